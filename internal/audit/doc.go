// Package audit checks a Twilio account and its subaccounts against a
// hardening baseline and says, for each control, pass, fail, unknown,
// stale or skipped, with the evidence.
//
// The baseline is data: controls.yaml, embedded, holds each control's
// id, title, profile level (L1 baseline, L2 hardened, L3 maximum), scope,
// CIS Controls v8 / NIST SP 800-53 rev 5 / SOC 2 mappings, rationale, how
// the evidence is gathered, and remediation. Each control names a check,
// a small function over a Snapshot of what the audit read.
//
// What Twilio's public API cannot show (single sign-on, two-factor
// enforcement, Console roles, webhook signature validation, …) comes from
// an attestation file (see ParseAttestations). A control without an
// attestation is Unknown, never Pass; one whose attestation is older than
// Options.AttestMaxAge is Stale.
//
// Run reads every account with bounded concurrency (Options.Concurrency
// requests at a time, retrying 429s), subaccounts with their own Auth
// Tokens from the account list. A credential without the rights to read
// something (a Standard key cannot list accounts or keys) makes the
// controls that need it Unknown and adds a notice; an error reading one
// account is reported in that account's Errors and the others go on.
//
// Probe (Options.ProbeWebhooks) sends each webhook URL an unsigned request
// and expects a refusal: it contacts the user's own servers, so it is
// opt-in.
package audit
