// Package rotate replaces a leaked Twilio credential without downtime:
// an API key (create a new one of the same type and policy, store it,
// prove it works, wait for services, then delete the old one) or the
// account's Auth Token (create the secondary token, store it, prove it,
// wait, then promote it).
//
// The order never leaves the team without a working credential: the old
// credential is revoked only after the new one is in the store and has
// authenticated. Every step is written to a journal (JSON lines, fsynced)
// before and after it runs, with the IDs needed to undo it and the
// credentials that work at that moment, so a rotation interrupted at any
// point — a crash, Ctrl-C, a store or API failure — can be resumed or
// rolled back by a later process. The journal never holds a secret: a new
// key whose secret was lost with the process that created it is deleted
// and replaced by a fresh attempt.
package rotate
