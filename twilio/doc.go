// Package twilio holds Twilio credential types and Access Tokens; it does not
// depend on the Twilio SDK.
package twilio
