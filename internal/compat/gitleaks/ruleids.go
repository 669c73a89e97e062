// Package gitleaks reads what a team that ran gitleaks already wrote: its
// configuration (.gitleaks.toml, converted to vigil's), its ignore file
// (.gitleaksignore) and its JSON reports (as baselines). Rule ids are
// mapped to vigil's where both mean the same credential.
package gitleaks

import "slices"

// ruleIDs maps gitleaks' built-in rule ids (gitleaks 8.30) to the vigil
// rules that find the same credential. It was drawn up by running each
// gitleaks rule's regex over the examples of every vigil rule, then
// checked by hand. Gitleaks rules missing here have no vigil rule of the
// same meaning.
var ruleIDs = map[string][]string{
	"1password-secret-key":                   {"onepassword-secret-key"},
	"1password-service-account-token":        {"onepassword-service-account-token"},
	"age-secret-key":                         {"age-secret-key"},
	"airtable-api-key":                       {"airtable-api-key"},
	"airtable-personnal-access-token":        {"airtable-pat"},
	"algolia-api-key":                        {"algolia-admin-key"},
	"alibaba-access-key-id":                  {"alibaba-access-key-id"},
	"alibaba-secret-key":                     {"alibaba-access-key-secret"},
	"anthropic-admin-api-key":                {"anthropic-admin-key"},
	"anthropic-api-key":                      {"anthropic-api-key"},
	"artifactory-api-key":                    {"jfrog-api-key"},
	"artifactory-reference-token":            {"jfrog-reference-token"},
	"asana-client-secret":                    {"asana-client-secret"},
	"atlassian-api-token":                    {"atlassian-api-token", "atlassian-api-token-legacy"},
	"aws-access-token":                       {"aws-access-key-id"},
	"aws-amazon-bedrock-api-key-long-lived":  {"aws-bedrock-api-key"},
	"aws-amazon-bedrock-api-key-short-lived": {"aws-bedrock-short-term-api-key"},
	"azure-ad-client-secret":                 {"azure-ad-client-secret"},
	"bitbucket-client-secret":                {"bitbucket-client-secret"},
	"clickhouse-cloud-api-secret-key":        {"clickhouse-cloud-api-secret"},
	"clojars-api-token":                      {"clojars-token"},
	"cloudflare-api-key":                     {"cloudflare-api-token"},
	"cloudflare-global-api-key":              {"cloudflare-global-api-key"},
	"cloudflare-origin-ca-key":               {"cloudflare-origin-ca-key"},
	"codecov-access-token":                   {"codecov-token"},
	"cohere-api-token":                       {"cohere-api-key"},
	"contentful-delivery-api-token":          {"contentful-delivery-token"},
	"curl-auth-header":                       {"authorization-bearer", "authorization-basic"},
	"curl-auth-user":                         {"password-cli", "url-credentials"},
	"databricks-api-token":                   {"databricks-token"},
	"datadog-access-token":                   {"datadog-app-key", "datadog-api-key"},
	"defined-networking-api-token":           {"defined-networking-api-key"},
	"digitalocean-access-token":              {"digitalocean-oauth-token"},
	"digitalocean-pat":                       {"digitalocean-pat"},
	"digitalocean-refresh-token":             {"digitalocean-refresh-token"},
	"discord-api-token":                      {"discord-bot-token"},
	"discord-client-secret":                  {"discord-client-secret"},
	"doppler-api-token":                      {"doppler-personal-token", "doppler-service-token", "doppler-scim-audit-token"},
	"droneci-access-token":                   {"drone-token"},
	"dropbox-api-token":                      {"dropbox-access-token"},
	"dropbox-long-lived-api-token":           {"dropbox-long-lived-token"},
	"dropbox-short-lived-api-token":          {"dropbox-access-token"},
	"duffel-api-token":                       {"duffel-api-token"},
	"dynatrace-api-token":                    {"dynatrace-api-token"},
	"easypost-api-token":                     {"easypost-api-key"},
	"easypost-test-api-token":                {"easypost-api-key"},
	"facebook-access-token":                  {"facebook-access-token"},
	"facebook-page-access-token":             {"facebook-access-token"},
	"facebook-secret":                        {"facebook-app-secret"},
	"fastly-api-token":                       {"fastly-api-token"},
	"flutterwave-encryption-key":             {"flutterwave-encryption-key"},
	"flutterwave-secret-key":                 {"flutterwave-secret-key"},
	"flyio-access-token":                     {"flyio-token"},
	"gcp-api-key":                            {"google-api-key"},
	"generic-api-key": {"generic-api-key", "generic-auth", "generic-default-secret", "generic-env-default", "generic-password",
		"generic-secret", "generic-setter-secret", "generic-token", "generic-uuid-key", "password-cli", "password-xml"},
	"github-app-token":                            {"github-server-to-server-token", "github-user-to-server-token"},
	"github-fine-grained-pat":                     {"github-fine-grained-pat"},
	"github-oauth":                                {"github-oauth-token"},
	"github-pat":                                  {"github-pat"},
	"github-refresh-token":                        {"github-refresh-token"},
	"gitlab-cicd-job-token":                       {"gitlab-ci-job-token"},
	"gitlab-deploy-token":                         {"gitlab-deploy-token"},
	"gitlab-feature-flag-client-token":            {"gitlab-feature-flags-token"},
	"gitlab-feed-token":                           {"gitlab-feed-token"},
	"gitlab-incoming-mail-token":                  {"gitlab-incoming-mail-token"},
	"gitlab-kubernetes-agent-token":               {"gitlab-agent-token"},
	"gitlab-oauth-app-secret":                     {"gitlab-oauth-app-secret"},
	"gitlab-pat":                                  {"gitlab-pat", "gitlab-pat-routable"},
	"gitlab-pat-routable":                         {"gitlab-pat-routable"},
	"gitlab-ptt":                                  {"gitlab-pipeline-trigger-token"},
	"gitlab-rrt":                                  {"gitlab-runner-registration-token"},
	"gitlab-runner-authentication-token":          {"gitlab-runner-token"},
	"gitlab-runner-authentication-token-routable": {"gitlab-runner-token"},
	"gitlab-scim-token":                           {"gitlab-scim-token"},
	"gitlab-session-cookie":                       {"gitlab-session-cookie"},
	"gocardless-api-token":                        {"gocardless-access-token"},
	"grafana-api-key":                             {"grafana-api-key"},
	"grafana-cloud-api-token":                     {"grafana-cloud-token"},
	"grafana-service-account-token":               {"grafana-service-account-token"},
	"harness-api-key":                             {"harness-api-key"},
	"hashicorp-tf-api-token":                      {"terraform-cloud-token"},
	"hashicorp-tf-password":                       {"generic-password"},
	"heroku-api-key":                              {"heroku-api-key-legacy"},
	"heroku-api-key-v2":                           {"heroku-api-key"},
	"hubspot-api-key":                             {"hubspot-api-key"},
	"huggingface-access-token":                    {"huggingface-token"},
	"huggingface-organization-api-token":          {"huggingface-org-token"},
	"infracost-api-token":                         {"infracost-api-key"},
	"intercom-api-key":                            {"intercom-access-token"},
	"jfrog-api-key":                               {"jfrog-api-key"},
	"jfrog-identity-token":                        {"jfrog-reference-token"},
	"jwt":                                         {"jwt", "kubernetes-service-account-token", "twilio-access-token"},
	"jwt-base64":                                  {"jwt"},
	"launchdarkly-access-token":                   {"launchdarkly-access-token"},
	"linear-api-key":                              {"linear-api-key"},
	"linkedin-client-secret":                      {"linkedin-client-secret"},
	"mailchimp-api-key":                           {"mailchimp-api-key"},
	"mailgun-private-api-token":                   {"mailgun-api-key-legacy", "mailgun-api-key"},
	"mailgun-signing-key":                         {"mailgun-api-key"},
	"mapbox-api-token":                            {"mapbox-secret-token"},
	"mattermost-access-token":                     {"mattermost-access-token"},
	"messagebird-api-token":                       {"messagebird-api-key"},
	"microsoft-teams-webhook":                     {"teams-incoming-webhook", "teams-workflow-webhook"},
	"netlify-access-token":                        {"netlify-pat", "netlify-token-legacy"},
	"new-relic-browser-api-token":                 {"newrelic-browser-key"},
	"new-relic-insert-key":                        {"newrelic-insights-key"},
	"new-relic-user-api-key":                      {"newrelic-user-api-key"},
	"notion-api-token":                            {"notion-integration-token", "notion-integration-token-legacy"},
	"npm-access-token":                            {"npm-access-token"},
	"nuget-config-password":                       {"nuget-config-password"},
	"octopus-deploy-api-key":                      {"octopus-deploy-api-key"},
	"openai-api-key":                              {"openai-api-key", "openai-admin-key", "openai-project-key", "openai-service-account-key"},
	"openshift-user-token":                        {"openshift-user-token"},
	"perplexity-api-key":                          {"perplexity-api-key"},
	"plaid-api-token":                             {"plaid-access-token"},
	"plaid-secret-key":                            {"plaid-secret"},
	"planetscale-api-token":                       {"planetscale-api-token"},
	"planetscale-oauth-token":                     {"planetscale-api-token"},
	"planetscale-password":                        {"planetscale-password"},
	"private-key": {"private-key-rsa", "private-key-ec", "private-key-dsa", "private-key-openssh", "private-key-pkcs8",
		"private-key-pkcs8-encrypted", "private-key-pgp", "private-key-putty", "private-key-putty-encrypted", "gcp-service-account-key"},
	"pulumi-api-token":                 {"pulumi-access-token"},
	"pypi-upload-token":                {"pypi-api-token"},
	"rubygems-api-token":               {"rubygems-api-key"},
	"scalingo-api-token":               {"scalingo-api-token"},
	"sendgrid-api-token":               {"sendgrid-api-key"},
	"sendinblue-api-token":             {"brevo-api-key"},
	"sentry-access-token":              {"sentry-auth-token"},
	"sentry-org-token":                 {"sentry-org-token"},
	"sentry-user-token":                {"sentry-user-token"},
	"shippo-api-token":                 {"shippo-api-token"},
	"shopify-access-token":             {"shopify-access-token"},
	"shopify-custom-access-token":      {"shopify-custom-app-token"},
	"shopify-private-app-access-token": {"shopify-private-app-password"},
	"shopify-shared-secret":            {"shopify-shared-secret"},
	"sidekiq-sensitive-url":            {"url-credentials"},
	"slack-app-token":                  {"slack-app-token"},
	"slack-bot-token":                  {"slack-bot-token"},
	"slack-config-access-token":        {"slack-config-token"},
	"slack-config-refresh-token":       {"slack-refresh-token"},
	"slack-legacy-bot-token":           {"slack-bot-token"},
	"slack-legacy-token":               {"slack-legacy-token"},
	"slack-legacy-workspace-token":     {"slack-workspace-token"},
	"slack-user-token":                 {"slack-user-token"},
	"slack-webhook-url":                {"slack-webhook-url", "slack-workflow-webhook-url"},
	"snyk-api-token":                   {"snyk-api-token"},
	"sonar-api-token":                  {"sonarqube-token", "sonarqube-legacy-token"},
	"square-access-token":              {"square-access-token", "square-legacy-access-token"},
	"stripe-access-token":              {"stripe-secret-key", "stripe-restricted-key", "stripe-test-key"},
	"sumologic-access-token":           {"sumologic-access-key"},
	"telegram-bot-api-token":           {"telegram-bot-token"},
	"travisci-access-token":            {"travis-api-token"},
	"twilio-api-key":                   {"twilio-api-key-sid", "twilio-api-key"},
	"twitch-api-token":                 {"twitch-client-secret"},
	"twitter-access-secret":            {"twitter-api-secret"},
	"twitter-api-secret":               {"twitter-api-secret"},
	"twitter-bearer-token":             {"twitter-bearer-token"},
	"typeform-api-token":               {"typeform-api-token"},
	"vault-batch-token":                {"vault-batch-token"},
	"vault-service-token":              {"vault-service-token", "vault-legacy-token"},
	"yandex-access-token":              {"yandex-iam-token"},
	"yandex-api-key":                   {"yandex-api-key"},
	"yandex-aws-access-token":          {"yandex-static-access-key"},
	"zendesk-secret-key":               {"zendesk-api-token"},
}

// VigilRules returns the vigil rules that find what gitleaks' rule id
// finds, and whether the id is one gitleaks ships with a vigil
// counterpart.
func VigilRules(id string) ([]string, bool) {
	ids, ok := ruleIDs[id]
	return ids, ok
}

// SameRule reports whether a vigil finding of rule vigilID is what a
// gitleaks entry for rule glID describes: the same id, or a mapped one.
// known is false when glID has no counterpart.
func SameRule(glID, vigilID string) (same, known bool) {
	if glID == vigilID {
		return true, true
	}
	ids, ok := ruleIDs[glID]
	if !ok {
		return false, false
	}
	return slices.Contains(ids, vigilID), true
}

// Describes reports whether a gitleaks entry that names rule glID at a
// location (path, line and commit) stands for a vigil finding of rule
// vigilID at the same location: the same credential under the same or a
// mapped rule, or a secret one of the two tools only calls generic
// (gitleaks' generic-api-key, vigil's generic rules), or a gitleaks rule
// with no vigil counterpart. Two different specific rules do not match:
// they are two credentials.
func Describes(glID, vigilID string) bool {
	same, known := SameRule(glID, vigilID)
	return same || !known || glID == genericRule || slices.Contains(ruleIDs[genericRule], vigilID)
}

// genericRule is gitleaks' catch-all rule.
const genericRule = "generic-api-key"
