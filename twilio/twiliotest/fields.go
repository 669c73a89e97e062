package twiliotest

import (
	"slices"
	"strings"
)

func numberFields(n NumberSeed) map[string]any {
	phone := orDefault(n.PhoneNumber, "+15005550006")
	return map[string]any{
		"address_requirements": "none", "api_version": "2010-04-01", "beta": false,
		"capabilities":  map[string]any{"voice": true, "sms": true, "mms": true, "fax": false},
		"friendly_name": orDefault(n.FriendlyName, phone), "phone_number": phone, "origin": "twilio",
		"sms_application_sid": n.SMSApplicationSID, "sms_fallback_method": "POST", "sms_fallback_url": n.SMSFallbackURL,
		"sms_method": orDefault(n.SMSMethod, "POST"), "sms_url": n.SMSURL,
		"status_callback": n.StatusCallback, "status_callback_method": "POST", "trunk_sid": nil,
		"voice_application_sid": n.VoiceApplicationSID, "voice_caller_id_lookup": false,
		"voice_fallback_method": "POST", "voice_fallback_url": nullable(n.VoiceFallbackURL),
		"voice_method": orDefault(n.VoiceMethod, "POST"), "voice_url": nullable(n.VoiceURL),
		"voice_receive_mode": "voice", "status": "in-use", "type": "local", "emergency_status": "Inactive",
	}
}

func appFields(a ApplicationSeed) map[string]any {
	return map[string]any{
		"api_version": "2010-04-01", "friendly_name": a.FriendlyName,
		"voice_url": a.VoiceURL, "voice_method": "POST", "voice_fallback_url": a.VoiceFallbackURL,
		"voice_fallback_method": "POST", "voice_caller_id_lookup": false,
		"sms_url": a.SMSURL, "sms_method": "POST", "sms_fallback_url": a.SMSFallbackURL, "sms_fallback_method": "POST",
		"sms_status_callback": a.SMSStatusCallback, "status_callback": a.StatusCallback, "status_callback_method": "POST",
		"message_status_callback":            a.MessageStatusCallback,
		"public_application_connect_enabled": a.PublicApplicationConnectEnabled,
	}
}

func messagingFields(m MessagingServiceSeed) map[string]any {
	return map[string]any{
		"friendly_name": m.FriendlyName, "inbound_request_url": nullable(m.InboundRequestURL), "inbound_method": "POST",
		"fallback_url": nullable(m.FallbackURL), "fallback_method": "POST", "status_callback": nullable(m.StatusCallback),
		"sticky_sender": true, "mms_converter": true, "smart_encoding": false,
		"scan_message_content": orDefault(m.ScanMessageContent, "inherit"), "fallback_to_long_code": true,
		"area_code_geomatch": true, "synchronous_validation": true, "validity_period": 14400,
		"usecase": orDefault(m.Usecase, "undeclared"), "us_app_to_person_registered": false,
		"use_inbound_webhook_on_number": m.UseInboundWebhookOnNumber, "links": map[string]any{},
	}
}

func verifyFields(v VerifyServiceSeed) map[string]any {
	return map[string]any{
		"friendly_name": v.FriendlyName, "code_length": 6, "lookup_enabled": false, "psd2_enabled": false,
		"skip_sms_to_landlines": false, "dtmf_input_required": true, "tts_name": nil,
		"do_not_share_warning_enabled": false, "custom_code_enabled": false, "links": map[string]any{},
	}
}

func triggerFields(t TriggerSeed) map[string]any {
	return map[string]any{
		"friendly_name": t.FriendlyName, "callback_url": t.CallbackURL,
		"callback_method": orDefault(t.CallbackMethod, "POST"), "current_value": orDefault(t.CurrentValue, "0"),
		"date_fired": nil, "recurring": nullable(t.Recurring), "trigger_by": orDefault(t.TriggerBy, "usage"),
		"trigger_value": t.TriggerValue, "usage_category": t.UsageCategory,
	}
}

// DefaultCountries is the dialing-permissions list an account gets when
// its seed names none: a few countries, low-risk calling to the US/Canada
// only, and high-risk and toll-fraud destinations off everywhere.
func DefaultCountries() []CountrySeed {
	return []CountrySeed{
		{ISOCode: "US", Name: "United States/Canada", Continent: "NORTH_AMERICA", CountryCodes: []string{"+1"}, LowRisk: true, HighRiskSpecialPrefixes: []string{"+1900"}},
		{ISOCode: "GB", Name: "United Kingdom", Continent: "EUROPE", CountryCodes: []string{"+44"}, HighRiskSpecialPrefixes: []string{"+4470", "+449"}},
		{ISOCode: "DE", Name: "Germany", Continent: "EUROPE", CountryCodes: []string{"+49"}},
		{ISOCode: "FR", Name: "France", Continent: "EUROPE", CountryCodes: []string{"+33"}},
		{ISOCode: "IN", Name: "India", Continent: "ASIA", CountryCodes: []string{"+91"}},
		{ISOCode: "BR", Name: "Brazil", Continent: "SOUTH_AMERICA", CountryCodes: []string{"+55"}},
		{ISOCode: "CU", Name: "Cuba", Continent: "NORTH_AMERICA", CountryCodes: []string{"+53"}},
		{ISOCode: "LV", Name: "Latvia", Continent: "EUROPE", CountryCodes: []string{"+371"}},
		{ISOCode: "SO", Name: "Somalia", Continent: "AFRICA", CountryCodes: []string{"+252"}},
	}
}

// countries builds an account's list: the defaults, with seeded countries
// replacing them by ISO code or added, sorted by ISO code.
func countries(s *DialingPermissionsSeed) []*country {
	list := DefaultCountries()
	if s != nil {
		for _, c := range s.Countries {
			i := slices.IndexFunc(list, func(d CountrySeed) bool { return strings.EqualFold(d.ISOCode, c.ISOCode) })
			if i >= 0 {
				list[i] = c
			} else {
				list = append(list, c)
			}
		}
	}
	out := make([]*country, 0, len(list))
	for _, c := range list {
		out = append(out, &country{
			iso: strings.ToUpper(c.ISOCode), name: orDefault(c.Name, strings.ToUpper(c.ISOCode)),
			continent: orDefault(c.Continent, "UNKNOWN"), codes: c.CountryCodes, lowRisk: c.LowRisk,
			highRiskSpecial: c.HighRiskSpecial, tollFraud: c.HighRiskTollFraud,
			prefixes: c.HighRiskSpecialPrefixes,
		})
	}
	slices.SortFunc(out, func(a, b *country) int { return strings.Compare(a.iso, b.iso) })
	return out
}

func sortAlerts(a []*alert) {
	slices.SortStableFunc(a, func(x, y *alert) int { return x.created.Compare(y.created) })
}
