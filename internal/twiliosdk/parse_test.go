package twiliosdk

import (
	"fmt"
	"strings"
	"testing"
)

// parseCases are one example of each manifest and lock file vigil reads,
// written as their tools write them, with decoys: other packages whose
// names contain the library's, and nested copies that are not the
// project's own.
var parseCases = []struct {
	file, data string
	want       []string // "LINE SPEC -> VERSION [exact]"
}{
	{"package.json", `{
  "name": "app",
  "dependencies": {
    "twilio-video": "^2.0.0",
    "twilio": "^5.3.0"
  },
  "devDependencies": {"twilio": "~4.19.1"}
}`, []string{`5 ^5.3.0 -> 5.3.0`, `7 ~4.19.1 -> 4.19.1`}},
	{"package-lock.json", `{
  "lockfileVersion": 3,
  "packages": {
    "": {"dependencies": {"twilio": "^5.0.0"}},
    "node_modules/other/node_modules/twilio": {"version": "3.0.0"},
    "node_modules/twilio": {"version": "5.3.7"}
  }
}`, []string{`6 5.3.7 -> 5.3.7 exact`}},
	{"package-lock.json", `{"lockfileVersion": 1, "dependencies": {"twilio": {"version": "3.84.1"}}}`, []string{`1 3.84.1 -> 3.84.1 exact`}},
	{"yarn.lock", `# yarn lockfile v1

twilio-video@^2.0.0:
  version "2.28.1"

twilio@^5.0.0, twilio@^5.1.0:
  version "5.2.3"
  resolved "https://registry.yarnpkg.com/twilio/-/twilio-5.2.3.tgz"
`, []string{`7 5.2.3 -> 5.2.3 exact`}},
	{"yarn.lock", `"twilio@npm:^5.0.0":
  version: 5.4.0
  resolution: "twilio@npm:5.4.0"
`, []string{`2 5.4.0 -> 5.4.0 exact`}},
	{"pnpm-lock.yaml", `lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      twilio:
        specifier: ^5.0.0
        version: 5.3.2(debug@4.3.4)
`, []string{`5 5.3.2 -> 5.3.2 exact`}},
	{"requirements.txt", `# app
Django>=4
twilio-stubs==1.0
twilio[async] >= 8.0, < 10 ; python_version >= "3.8"
-r other.txt
`, []string{`4 >= 8.0, < 10 -> 8.0`}},
	{"requirements-prod.txt", "twilio==9.0.5 --hash=sha256:00\n", []string{`1 ==9.0.5 -> 9.0.5 exact`}},
	{"pyproject.toml", `[project]
name = "app"
dependencies = ["requests", "twilio~=9.2"]

[tool.poetry.dependencies]
python = "^3.11"
twilio = {version = "^8.1", extras = []}
`, []string{`3 ~=9.2 -> 9.2`, `7 ^8.1 -> 8.1`}},
	{"Pipfile", `[packages]
twilio = "==7.16.0"
`, []string{`2 ==7.16.0 -> 7.16.0 exact`}},
	{"poetry.lock", `[[package]]
name = "requests"
version = "2.31.0"

[[package]]
name = "twilio"
version = "9.0.1"
`, []string{`6 9.0.1 -> 9.0.1 exact`}},
	{"Pipfile.lock", `{"_meta": {}, "default": {"twilio": {"version": "==9.3.0"}}, "develop": {}}`, []string{`1 9.3.0 -> 9.3.0 exact`}},
	{"pom.xml", `<project>
  <properties><twilio.version>10.1.0</twilio.version></properties>
  <dependencies>
    <dependency>
      <groupId>com.twilio.sdk</groupId>
      <artifactId>twilio-video</artifactId>
      <version>1.0</version>
    </dependency>
    <dependency>
      <groupId>com.twilio.sdk</groupId>
      <artifactId>twilio</artifactId>
      <version>${twilio.version}</version>
    </dependency>
  </dependencies>
</project>`, []string{`9 ${twilio.version} = 10.1.0 -> 10.1.0 exact`}},
	{"build.gradle", `dependencies {
    implementation 'com.twilio.sdk:twilio:10.4.1'
    implementation group: 'com.twilio.sdk', name: 'twilio', version: '9.+'
    implementation "com.twilio.sdk:twilio:$twilioVersion"
}`, []string{`2 10.4.1 -> 10.4.1 exact`, `3 9.+ -> 9`, `4 $twilioVersion -> `}},
	{"build.gradle.kts", `dependencies { implementation("com.twilio.sdk:twilio:[10.0,11.0)") }`, []string{`1 [10.0,11.0) -> 10.0`}},
	{"gradle.lockfile", "com.twilio.sdk:twilio:10.6.2=compileClasspath,runtimeClasspath\n", []string{`1 10.6.2 -> 10.6.2 exact`}},
	{"App.csproj", `<Project Sdk="Microsoft.NET.Sdk">
  <ItemGroup>
    <PackageReference Include="Twilio.AspNet.Core" Version="8.0.0" />
    <PackageReference Include="twilio" Version="7.0.0" />
    <PackageReference Include="Twilio">
      <Version>[6.1.0]</Version>
    </PackageReference>
  </ItemGroup>
</Project>`, []string{`4 7.0.0 -> 7.0.0`, `5 [6.1.0] -> 6.1.0 exact`}},
	{"packages.config", `<packages><package id="Twilio" version="5.81.0" targetFramework="net48" /></packages>`, []string{`1 5.81.0 -> 5.81.0 exact`}},
	{"packages.lock.json", `{
  "version": 1,
  "dependencies": {
    "net8.0": {
      "Twilio": {"type": "Direct", "requested": "[7.0.0, )", "resolved": "7.2.0"}
    }
  }
}`, []string{`5 7.2.0 -> 7.2.0 exact`}},
	{"composer.json", `{"require": {"php": ">=8.1", "twilio/sdk": "^7.0 || ^8.0"}}`, []string{`1 ^7.0 || ^8.0 -> 7.0`}},
	{"composer.lock", `{
  "packages": [
    {"name": "twilio/sdk", "version": "8.1.0"}
  ]
}`, []string{`3 8.1.0 -> 8.1.0 exact`}},
	{"Gemfile", `source "https://rubygems.org"
gem "twilio-ruby-extras"
gem 'twilio-ruby', '~> 6.0', '>= 6.4'
`, []string{`3 ~> 6.0, >= 6.4 -> 6.4`}},
	{"Gemfile.lock", `GEM
  remote: https://rubygems.org/
  specs:
    faraday (2.7.0)
    twilio-ruby (7.2.4)
      faraday (>= 0.9, < 3.0)

DEPENDENCIES
  twilio-ruby (~> 7.0)
`, []string{`5 7.2.4 -> 7.2.4 exact`}},
	{"go.mod", `module example.com/app

go 1.22

require (
	github.com/twilio/twilio-go v1.20.1 // indirect
	github.com/twilio/twilio-go-extras v0.1.0
)

replace github.com/twilio/twilio-go v1.20.1 => ../twilio-go
`, []string{`6 v1.20.1 -> 1.20.1 exact`}},
}

func describe(u Use) string {
	s := fmt.Sprintf("%d %s -> %s", u.Line, u.Spec, u.Version)
	if u.Exact {
		s += " exact"
	}
	return s
}

func TestParsers(t *testing.T) {
	for _, tt := range parseCases {
		p, ok := parserFor(tt.file)
		if !ok {
			t.Fatalf("%s: no parser", tt.file)
		}
		uses, err := p.parse([]byte(tt.data))
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		var got []string
		for _, u := range uses {
			got = append(got, describe(u))
		}
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("%s:\n got %q\nwant %q", tt.file, got, tt.want)
		}
	}
}

func TestConstraint(t *testing.T) {
	for _, tt := range []struct{ spec, want string }{
		{"5.1.0", "5.1.0 exact"},
		{"=5.1.0", "5.1.0 exact"},
		{"^5.1.0", "5.1.0"},
		{">=8,<10", "8"},
		{"<10", ""},
		{"*", ""},
		{"latest", ""},
		{"", ""},
		{"9.*", "9"},
		{"5.x", "5"},
		{"~> 7.0", "7.0"},
		{"^5 || ^4.2", "4.2"},
		{"^5 || *", ""},
		{"[10.0,11.0)", "10.0"},
		{"(,11.0)", ""},
		{"[6.1.0]", "6.1.0 exact"},
		{">= 9, != 9.1.0", "9"},
		{"v1.20.1", "1.20.1 exact"},
	} {
		c := ParseConstraint(tt.spec)
		got := c.Version.String()
		if c.Exact {
			got += " exact"
		}
		if got != tt.want {
			t.Errorf("ParseConstraint(%q) = %q, want %q", tt.spec, got, tt.want)
		}
	}
}

func TestVersionOrder(t *testing.T) {
	order := []string{"0.26.0", "1.0.0", "1.0.1", "1.2", "1.10.0", "5.0.0.rc9", "5.0.0.rc10", "5.0.0", "5.0.0.1", "v6"}
	for i := range order {
		for j := range order {
			a, _ := ParseVersion(order[i])
			b, _ := ParseVersion(order[j])
			want := 0
			switch {
			case i < j:
				want = -1
			case i > j:
				want = 1
			}
			if got := a.Compare(b); got != want {
				t.Errorf("Compare(%s, %s) = %d, want %d", order[i], order[j], got, want)
			}
		}
	}
	for _, bad := range []string{"", "v", "abc", "1.0 beta", "1;2"} {
		if _, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) accepted", bad)
		}
	}
}
