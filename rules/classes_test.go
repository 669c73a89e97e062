package rules

import (
	"testing"

	"github.com/vigilsec/vigil"
	"github.com/vigilsec/vigil/internal/fakecred"
)

// none is the highest confidence of a line that must not be reported at
// all.
const none vigil.Confidence = 0

// classCase is one class of real-world text: a line (a fakecred template,
// so that values are generated at test time), the file it is in, and the
// highest confidence vigil must give it.
type classCase struct {
	class string
	path  string
	text  string
	want  vigil.Confidence
}

// classCases hold one case per class of miss or false alarm seen on real
// projects, so that a change to the heuristics that brings one back fails
// here, not only in the corpus scores.
var classCases = []classCase{
	// UUIDs: a random UUID may be a key (many services issue them), at
	// medium; placeholders and COM class IDs are not.
	{"bare UUID", "app/fixtures/data.json", `"folder": "{uuid}",`, vigil.Medium},
	{"UUID in a SQL row", "db/seed.sql", `INSERT INTO t (id, name) VALUES ({uuid}, 'x');`, vigil.Medium},
	{"UUID named as a key", "app/config.yml", `api_key: {uuid}`, vigil.High},
	{"hand-written UUID", "app/config.yml", `tenant: 12345678-1234-1234-1234-123456789012`, none},
	{"hand-written UUID of repeated groups", "app/config.yml", `id: 00001111-2222-3333-4444-555566667777`, none},
	{"COM class ID", "web/player.html", `<object classid="clsid:{uuid}"></object>`, none},
	{"UUID named public", "app/config.yml", `public_id: {uuid}`, none},

	// HTTP Basic values that do not decode to user:password here are
	// still credentials when they look random.
	{"Basic value, random", "spec/cassettes/login.yml", `- Basic {alnum:24}{digits:2}`, vigil.Medium},
	{"Basic value, user:password", "app/client.py", `headers = {"Authorization": "Basic {basic:deploy}"}`, vigil.High},
}

var valueFormCases = []classCase{
	// A secret inside an array or passed to a wrapper that keeps it as
	// the value; not one passed to a lookup.
	{"JSON object in a string", "docs/api/user.html.json", `"Apitoken": "{\"name\":\"root\",\"sig\":\"{lowalnum:32}\"}",`, vigil.Medium},
	{"base64 private key assigned to a name", "lib/alipay/config.php", `public $partner_private_key = '{b64:1588}';`, vigil.High},
	{"seed in an HTML page", "docs/connect_nkey.html", `const seed = &#39;{upper:20}{digits:2}{upper:20}&#39;;`, vigil.Medium},
	{"seed in a byte conversion", "docs/jwt.md", `accSeed := []byte("{upper:30}{digits:2}{upper:20}")`, vigil.Medium},
	{"array of tokens", "spec/cassettes/vehicle.yml", `string: '{"vin":"x","tokens":["{hex:16}","{hex:16}"],"state":"online"}'`, vigil.Medium},
	{"Go slice of tokens", "push/apns_test.go", `Tokens: []string{"{hex:64}"},`, vigil.Medium},
	{"Scala Option", "src/test/scala/StartupTest.scala", `password = Some("{lower:7}"),`, vigil.Medium},
	{"Go string helper", "github/runners_test.go", `	Token: String("{upper:12}{digits:3}{upper:14}"),`, vigil.Medium},
	{"constructor", "handlers/HandlerTest.java", `final StringCredentialValue password = new StringCredentialValue("{lower:10}");`, vigil.Medium},
	{"lookup by name", "app/settings.py", `password = os.getenv("{lower:12}")`, none},
	{"translation call", "app/views.py", `secret = T("{lower:8}")`, none},
	{"getter", "app/client.py", `token = get_token("{alnum:12}")`, none},
}

var falseAlarmCases = []classCase{
	// Where a value cannot be a secret: translations, generated code,
	// detect-secrets baselines.
	{"translation", "web/src/assets/i18n/de_DE.json", `"LABEL_PASSWORD": "Passwort",`, none},
	{"translation", "app/languages/nl_NL/messages.php", `'password' => '{lower:10}',`, none},
	{"protobuf struct tag", "api/v1/secrets.pb.go", "Secrets map[string]string `protobuf:\"bytes,1,rep,name=secrets,proto3\" protobuf_key:\"bytes,1,opt,name=key,proto3\"`", none}, // vigil:allow
	{"deepcopy", "api/v1/zz_generated.deepcopy.go", `out.AuthToken = "{alnum:12}"`, none},
	{"detect-secrets baseline", ".secrets.baseline", `"hashed_secret": "{hex:40}",`, none},

	// Names that say the value is about a secret, not the secret.
	{"Go algorithm constant", "ssh/keys.go", `KeyAlgoED25519 = "ssh-ed25519"`, none},
	{"status code constant", "src/PublicAPI.Shipped.txt", `NTSTATUS.Code.STATUS_PASSWORD_EXPIRED = {digits:10} -> NTSTATUS.Code`, none},
	{"digest of a secret", "config/settings.yml", `password_sha256: {hex:64}`, none},
	{"fingerprint of a key", "test/EncryptionTest.java", `"encryptionKeyFingerprint": "{hex:64}",`, none},
	{"checksum keyed by file", "modules/apt/checksums.json", `"lib/puppet/type/apt_key.rb": "{hex:32}",`, none},
	{"name qualified in the value", "chalice/policies.json", `"InitiateAuth": "cognito-idp:InitiateAuth",`, none},
	{"kind of a token", "controllers/api.js", `const t = tokens.find((token) => token.kind === 'facebook');`, none},
	{"table's range key", "main.tf", `range_key = "GameTitle"`, none},
	{"passthrough setting", "tests/test_cli.py", `"passthroughBehavior": "when_no_match",`, none},
	{"lookup key constant", "constants/ZuulConstant.java", `public static final String SERVICE_ID_KEY = "serviceId";`, none},
	{"lookup key constant", "app/models/touch.rb", `SET_KEY = 'shipit:deferred_touches'`, none},
	{"number named as a key", "app/config.py", `SECRET_KEY = '{digits:9}'`, vigil.Low},
	{"lookup key made of words", "src/BCrypt/KeyBlobTypes.cs", `public const string BCRYPT_PRIVATE_KEY_BLOB = "PRIVATEBLOB";`, none},
	{"format template", "esrally/supplier.py", `default_key = "plugin_{}_{}_url".format(plugin_name, self.name)`, none},
	{"letters-only random key", "config/application.properties", `webflow.encryption.key={upper:2}{lower:3}{upper:5}{lower:2}{upper:4}`, vigil.Medium},

	// Values that are markup for a value to fill in or one hidden.
	{"template marker", "dockerfiles/dbca.rsp", `pdbAdminPassword=###ORACLE_PWD###`, none},
	{"filtered in a log", "test/router_test.exs", `Parameters: %{"id" => "1", "password" => "[FILTERED]"}`, none},
	{"replace token", "install/Weblogic.groovy", `antBuilder.replace(file: f, token: "%DB.USER%", value: dbUser)`, none},
	{"redacted", "deploy/values.yaml", `api_key: REDACT`, none},
	{"algorithm as the value", ".travis.yml", `-c "SET password_encryption = 'scram-sha-256'"`, none},
	{"ternary", "test/libs/qunit.js", `li.className = assertion.result ? "pass" : "fail";`, none},

	// Ciphertext is not the key; a password that says what it is for is
	// a test value; usage text is not a command line.
	{"encrypted key", "test/jwe/cookbook.test.mjs", `encrypted_key: '{b64url:43}',`, none},
	{"self-describing password", "config/users.yml", `password: 'testpwd{digits:1}'`, vigil.Low},
	{"password on a typed sequence", "markdown-file/Jira-Install.md", `-e MYSQL_PASSWORD={lower:4}_123456 \`, none},
	{"validation rules", "docs/guide/validation.md", `password: 'required|min:8',`, none},
	{"dictionary password in a test", "test/helpers/inserts.js", `password: 'admin123',`, none},
	{"dictionary password in a config", "src/main/resources/application.yml", `password: root`, vigil.Low},
	{"password with a symbol outside ASCII", "test/api/loginSpec.ts", `password: '{alnum:12}§{alnum:4}'`, vigil.Medium},
	{"prompt in a human language", "src/components/form.ts", `const passwordTip = '请输入密码';`, none},
	{"usage text", "README.rst", `-W, --password             Force password prompt.`, none},
	{"openssl password argument", "scripts/setup.sh", `openssl pkcs12 -export -out server.p12 -name cert -password pass:{lower:8}`, vigil.Medium},

	// pw names a password too; a confirmation repeats the password.
	{"pw", "docker/ldap.env", `LDAP_BIND_PW={lower:5}{digits:3}`, vigil.Medium},
	{"password confirmation", "spec/features/signup_spec.rb", `password_confirmation: "{lower:8}{digits:1}",`, vigil.Medium},

	// A base64 value after "name:" is not a type annotation; a Vue
	// binding after a quoted attribute is not a value.
	{"base64 value after a colon", "wordpress/secrets.yml", `authkey: {b64:54}==`, vigil.High},
	{"format string", "twiliotest/apply.go", `return nil, fmt.Errorf("seed: faults[%d]: %w", i, err)`, none},
	{"markup attribute", "docs/validation.md", `<Field name="password" :rules="rules" />`, none},

	// Credentials are secrets; a unique token is a token (unique_key is a
	// database's); fetch's credentials mode is not.
	{"credential value", "spec/fixtures/user_credentials.json", `"credential_value": "{lower:40}",`, vigil.Medium},
	{"unique token", "spec/fixtures/aftership.json", `"unique_token": "{alnum:12}",`, vigil.Medium},
	{"fetch credentials mode", "src/api.js", `fetch(url, {credentials: 'include'})`, none},

	// Default passwords in URLs are low (the README promises them there);
	// the words "password" and "pass" are placeholders.
	{"default password in a URL", "deploy/compose.yml", `REGISTRY=https://admin:admin@registry.internal:5000`, vigil.Low},
	{"placeholder password in a URL", "README.md", `postgres://user:password@localhost/db`, none},

	// Nonces are reported like salts (CredData counts them); a type
	// annotation is not one.
	{"nonce", "lib/wxpay/logs/pay.log", `{"nonce_str":"{lowalnum:32}","openid":"x"}`, vigil.Medium},
	{"nonce's type", "schema.tl", `resPQ#05162463 nonce:int128 server_nonce:int128 = ResPQ;`, none},

	// A private key locked by a passphrase is low; an open one high.
	{"encrypted private key", "tests/keys/server.key", `{pem:pkcs8-encrypted}`, vigil.Low},
	{"encrypted PKCS#1 key", "tests/keys/server.key", `{pem:rsa-encrypted}`, vigil.Low},
	{"private key", "deploy/server.key", `{pem:rsa}`, vigil.High},

	// Kept: a query parameter is not a ternary; a number is a password.
	{"token in a query", "README.md", `open http://127.0.0.1:8888/?token={hex:48}`, vigil.Medium},
	{"numeric password", "src/main/resources/application.yml", `password: {digits:7}`, vigil.Medium},
}

func TestClasses(t *testing.T) {
	m := defaultMatcher(t)
	gen := fakecred.New(7)
	for _, tc := range append(append(classCases, valueFormCases...), falseAlarmCases...) {
		for range 3 {
			text := gen.MustExpand(tc.text)
			got := none
			for _, f := range matchText(m, tc.path, text) {
				got = max(got, f.Confidence)
			}
			if got != tc.want {
				t.Errorf("%s: %s: %q: highest confidence %v, want %v", tc.class, tc.path, text, got, tc.want)
			}
		}
	}
}
