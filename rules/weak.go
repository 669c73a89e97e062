package rules

import "strings"

// isWeakPassword reports whether v is one of the default, example and
// most-guessed passwords people write in configs and docs: a real risk
// where it is deployed, but in code almost always a placeholder. Digits
// and symbols at the end are ignored (admin123, password!).
func isWeakPassword(v string) bool {
	low := strings.ToLower(v)
	if weakPasswords(low) || weakPasswords(unLeet(low)) {
		return true
	}
	if letters := lettersOnly(low); len(letters) >= 4 && len(letters) < len(low) && weakPasswords(letters) {
		return true // pa%2Fssword, passwo^rd, p.a.s.s
	}
	stem := strings.TrimRight(low, "0123456789!@#$%^&*._-")
	if stem == "" {
		// Only digits: the sequences and repeats everyone types.
		return tooRegular(low) || len(low) <= 4 || strings.Contains("12345678909876543210", low) || repeatsUnit(low)
	}
	return stem != low && weakPasswords(stem)
}

func weakPasswords(s string) bool {
	switch s {
	case "password", "passw0rd", "p@ssw0rd", "p@ssword", "pa55word", "pa$$word", "pass", "passwd",
		"pwd", "secret", "s3cret", "s3cr3t", "topsecret", "supersecret", "mysecret", "mypassword",
		"yourpassword", "changeme", "changeit", "change_me", "admin", "administrator", "root", "toor",
		"test", "tester", "testing", "testpass", "testpassword", "guest", "user", "username", "demo",
		"default", "example", "sample", "foo", "bar", "baz", "qux", "foobar", "foobarbaz", "hello",
		"helloworld", "hello_world", "welcome", "letmein", "qwerty", "qwertyuiop", "asdf", "asdfgh",
		"zxcv", "abc", "abcd", "abcdef", "abc123", "master", "login", "sa", "postgres", "mysql",
		"oracle", "redis", "rabbitmq", "docker", "vagrant", "ubuntu", "raspberry", "dragon", "monkey",
		"iloveyou", "trustno1", "sunshine", "princess", "football", "baseball", "superman", "batman",
		"starwars", "whatever", "nothing", "dummy", "fake", "mock", "stub", "temp", "tmp", "xxx",
		"xxxx", "yyy", "zzz", "secretkey", "secret_key", "secret-key", "mysecretkey", "apikey",
		"api_key", "token", "mytoken", "somesecret", "some_secret", "some-secret", "notasecret",
		"insecure", "unsecure", "keyboard", "hunter", "shadow", "pass123", "passpass", "adminadmin",
		"rootroot", "testtest", "useruser", "guestguest", "qazwsx", "1q2w3e", "1q2w3e4r", "zaq12wsx",
		"open", "opensesame", "sesame", "valid", "invalid", "wrong", "incorrect", "correct", "right",
		"new", "old", "other", "another", "bad", "good", "empty", "blank", "none", "null", "nopass",
		"nopassword", "your_password", "your-password", "yourpass", "mypass", "pw", "pword", "passphrase",
		"credentials", "credential", "private", "public", "key", "value", "string", "text", "fallback":
		return true
	}
	return false
}

// unLeet undoes the usual digit-for-letter swaps (s3cr3t, p4ssw0rd).
func unLeet(s string) string {
	return strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s").Replace(s)
}

func lettersOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if 'a' <= s[i] && s[i] <= 'z' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// selfDescribing reports whether a password says what it is for or how
// strong it is (testpwd2, securepwd, new_pass, dummy-secret), or is built on
// the sequences everyone types (jira_123456): a value written for a test or
// an example.
func selfDescribing(v string) bool {
	return containsAnyFold(v, []string{"pass", "pwd", "secure", "test", "demo", "dummy", "fake", "secret", "123456", "654321", "qwerty"})
}
