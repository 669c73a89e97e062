package twiliotest

// Seed is the initial state of an emulator: the Go form of a seed file
// (see ParseSeed for the YAML form; field names are the YAML keys). Every
// credential left empty is generated; every date left empty is the
// emulator's current time; dates may be relative ("-90d").
type Seed struct {
	Accounts []AccountSeed `yaml:"accounts" json:"accounts"`
	// Faults are injected when the seed is applied (see FaultSeed).
	Faults []FaultSeed `yaml:"faults" json:"faults"`
}

// AccountSeed describes a main account or subaccount.
type AccountSeed struct {
	// Name is a label for this file and for the CLI's output; it is not
	// sent to clients. Defaults to FriendlyName.
	Name               string `yaml:"name" json:"name"`
	SID                string `yaml:"sid" json:"sid"`
	FriendlyName       string `yaml:"friendly_name" json:"friendly_name"`
	Type               string `yaml:"type" json:"type"`     // Full (default) or Trial
	Status             string `yaml:"status" json:"status"` // active (default), suspended, closed
	AuthToken          string `yaml:"auth_token" json:"auth_token"`
	SecondaryAuthToken string `yaml:"secondary_auth_token" json:"secondary_auth_token"`
	// EnforceClientValidation makes every request without the
	// Twilio-Client-Validation header fail with 70052.
	EnforceClientValidation bool   `yaml:"enforce_client_validation" json:"enforce_client_validation"`
	Balance                 string `yaml:"balance" json:"balance"`   // default "0.00"
	Currency                string `yaml:"currency" json:"currency"` // default USD
	Created                 Time   `yaml:"created" json:"created"`

	Keys                 []KeySeed              `yaml:"keys" json:"keys"`
	Subaccounts          []AccountSeed          `yaml:"subaccounts" json:"subaccounts"`
	IncomingPhoneNumbers []NumberSeed           `yaml:"incoming_phone_numbers" json:"incoming_phone_numbers"`
	Applications         []ApplicationSeed      `yaml:"applications" json:"applications"`
	MessagingServices    []MessagingServiceSeed `yaml:"messaging_services" json:"messaging_services"`
	VerifyServices       []VerifyServiceSeed    `yaml:"verify_services" json:"verify_services"`
	// DialingPermissions defaults to DefaultCountries, inheritance on for
	// subaccounts.
	DialingPermissions *DialingPermissionsSeed `yaml:"dialing_permissions" json:"dialing_permissions"`
	UsageTriggers      []TriggerSeed           `yaml:"usage_triggers" json:"usage_triggers"`
	PublicKeys         []PublicKeySeed         `yaml:"public_keys" json:"public_keys"`
	Usage              []UsageSeed             `yaml:"usage" json:"usage"`
	Alerts             []AlertSeed             `yaml:"alerts" json:"alerts"`
	Events             []EventSeed             `yaml:"events" json:"events"`
}

// KeySeed describes an API key. Main keys exist only by seeding: Twilio
// creates them in the Console, not through the API.
type KeySeed struct {
	SID          string   `yaml:"sid" json:"sid"`
	FriendlyName string   `yaml:"friendly_name" json:"friendly_name"`
	Type         KeyType  `yaml:"type" json:"type"` // standard (default), main, restricted
	Policy       []string `yaml:"policy" json:"policy"`
	Secret       string   `yaml:"secret" json:"secret"`
	Created      Time     `yaml:"created" json:"created"`
}

// NumberSeed describes an IncomingPhoneNumber and its webhooks.
type NumberSeed struct {
	SID                 string `yaml:"sid" json:"sid"`
	PhoneNumber         string `yaml:"phone_number" json:"phone_number"`
	FriendlyName        string `yaml:"friendly_name" json:"friendly_name"`
	VoiceURL            string `yaml:"voice_url" json:"voice_url"`
	VoiceMethod         string `yaml:"voice_method" json:"voice_method"`
	VoiceFallbackURL    string `yaml:"voice_fallback_url" json:"voice_fallback_url"`
	SMSURL              string `yaml:"sms_url" json:"sms_url"`
	SMSMethod           string `yaml:"sms_method" json:"sms_method"`
	SMSFallbackURL      string `yaml:"sms_fallback_url" json:"sms_fallback_url"`
	StatusCallback      string `yaml:"status_callback" json:"status_callback"`
	VoiceApplicationSID string `yaml:"voice_application_sid" json:"voice_application_sid"`
	SMSApplicationSID   string `yaml:"sms_application_sid" json:"sms_application_sid"`
	Created             Time   `yaml:"created" json:"created"`
}

// ApplicationSeed describes a TwiML app.
type ApplicationSeed struct {
	SID                             string `yaml:"sid" json:"sid"`
	FriendlyName                    string `yaml:"friendly_name" json:"friendly_name"`
	VoiceURL                        string `yaml:"voice_url" json:"voice_url"`
	VoiceFallbackURL                string `yaml:"voice_fallback_url" json:"voice_fallback_url"`
	SMSURL                          string `yaml:"sms_url" json:"sms_url"`
	SMSFallbackURL                  string `yaml:"sms_fallback_url" json:"sms_fallback_url"`
	SMSStatusCallback               string `yaml:"sms_status_callback" json:"sms_status_callback"`
	StatusCallback                  string `yaml:"status_callback" json:"status_callback"`
	MessageStatusCallback           string `yaml:"message_status_callback" json:"message_status_callback"`
	PublicApplicationConnectEnabled bool   `yaml:"public_application_connect_enabled" json:"public_application_connect_enabled"`
	Created                         Time   `yaml:"created" json:"created"`
}

// MessagingServiceSeed describes a Messaging Service.
type MessagingServiceSeed struct {
	SID                       string `yaml:"sid" json:"sid"`
	FriendlyName              string `yaml:"friendly_name" json:"friendly_name"`
	InboundRequestURL         string `yaml:"inbound_request_url" json:"inbound_request_url"`
	FallbackURL               string `yaml:"fallback_url" json:"fallback_url"`
	StatusCallback            string `yaml:"status_callback" json:"status_callback"`
	UseInboundWebhookOnNumber bool   `yaml:"use_inbound_webhook_on_number" json:"use_inbound_webhook_on_number"`
	Usecase                   string `yaml:"usecase" json:"usecase"`
	ScanMessageContent        string `yaml:"scan_message_content" json:"scan_message_content"`
	Created                   Time   `yaml:"created" json:"created"`
}

// VerifyServiceSeed describes a Verify service (verify.twilio.com/v2).
type VerifyServiceSeed struct {
	SID          string `yaml:"sid" json:"sid"`
	FriendlyName string `yaml:"friendly_name" json:"friendly_name"`
	Created      Time   `yaml:"created" json:"created"`
}

// DialingPermissionsSeed is an account's voice geo permissions.
type DialingPermissionsSeed struct {
	// Inheritance is the subaccount's dialing_permissions_inheritance
	// setting (default: true for subaccounts, false for main accounts).
	Inheritance *bool `yaml:"inheritance" json:"inheritance"`
	// Countries replace the defaults by ISO code; others keep theirs.
	Countries []CountrySeed `yaml:"countries" json:"countries"`
}

// CountrySeed is one country's dialing permissions.
type CountrySeed struct {
	ISOCode                 string   `yaml:"iso_code" json:"iso_code"`
	Name                    string   `yaml:"name" json:"name"`
	Continent               string   `yaml:"continent" json:"continent"`
	CountryCodes            []string `yaml:"country_codes" json:"country_codes"`
	LowRisk                 bool     `yaml:"low_risk" json:"low_risk"`
	HighRiskSpecial         bool     `yaml:"high_risk_special" json:"high_risk_special"`
	HighRiskTollFraud       bool     `yaml:"high_risk_tollfraud" json:"high_risk_tollfraud"`
	HighRiskSpecialPrefixes []string `yaml:"high_risk_special_prefixes" json:"high_risk_special_prefixes"`
}

// TriggerSeed describes a usage trigger (spend alert).
type TriggerSeed struct {
	SID            string `yaml:"sid" json:"sid"`
	FriendlyName   string `yaml:"friendly_name" json:"friendly_name"`
	CallbackURL    string `yaml:"callback_url" json:"callback_url"`
	CallbackMethod string `yaml:"callback_method" json:"callback_method"` // default POST
	TriggerValue   string `yaml:"trigger_value" json:"trigger_value"`
	UsageCategory  string `yaml:"usage_category" json:"usage_category"`
	Recurring      string `yaml:"recurring" json:"recurring"`   // daily, monthly, yearly, alltime ("" = none)
	TriggerBy      string `yaml:"trigger_by" json:"trigger_by"` // usage (default), count, price
	CurrentValue   string `yaml:"current_value" json:"current_value"`
	DateFired      Time   `yaml:"date_fired" json:"date_fired"`
	Created        Time   `yaml:"created" json:"created"`
}

// PublicKeySeed describes a Public Key Client Validation credential.
type PublicKeySeed struct {
	SID          string `yaml:"sid" json:"sid"`
	FriendlyName string `yaml:"friendly_name" json:"friendly_name"`
	Created      Time   `yaml:"created" json:"created"`
}

// UsageSeed is usage in one category on one day, or on Days consecutive
// days starting at Date (each day with the same figures).
type UsageSeed struct {
	Category  string  `yaml:"category" json:"category"`
	Date      Time    `yaml:"date" json:"date"`
	Days      int     `yaml:"days" json:"days"`
	Count     float64 `yaml:"count" json:"count"`
	Usage     float64 `yaml:"usage" json:"usage"` // default Count
	Price     float64 `yaml:"price" json:"price"`
	CountUnit string  `yaml:"count_unit" json:"count_unit"`
	UsageUnit string  `yaml:"usage_unit" json:"usage_unit"`
}

// AlertSeed is a debugger alert, or Count alerts one minute apart.
type AlertSeed struct {
	SID           string `yaml:"sid" json:"sid"`
	ErrorCode     string `yaml:"error_code" json:"error_code"`
	LogLevel      string `yaml:"log_level" json:"log_level"` // error (default), warning, notice, debug
	Text          string `yaml:"text" json:"text"`
	RequestURL    string `yaml:"request_url" json:"request_url"`
	RequestMethod string `yaml:"request_method" json:"request_method"`
	ResourceSID   string `yaml:"resource_sid" json:"resource_sid"`
	ServiceSID    string `yaml:"service_sid" json:"service_sid"`
	Date          Time   `yaml:"date" json:"date"`
	Count         int    `yaml:"count" json:"count"`
}

// EventSeed is a Monitor event that happened before the emulator started,
// such as abuse from an unknown address.
type EventSeed struct {
	SID          string `yaml:"sid" json:"sid"`
	Type         string `yaml:"type" json:"type"` // e.g. account-api-keys.created
	Date         Time   `yaml:"date" json:"date"`
	Source       string `yaml:"source" json:"source"`         // api (default), web, twilio
	ActorType    string `yaml:"actor_type" json:"actor_type"` // account (default for api), user, twilio-admin
	ActorSID     string `yaml:"actor_sid" json:"actor_sid"`   // default: the account for source api
	IP           string `yaml:"ip" json:"ip"`
	ResourceSID  string `yaml:"resource_sid" json:"resource_sid"`
	ResourceType string `yaml:"resource_type" json:"resource_type"`
	// ResourceKey names a key of this account by friendly name; its SID
	// becomes the resource SID.
	ResourceKey string         `yaml:"resource_key" json:"resource_key"`
	Description string         `yaml:"description" json:"description"`
	Data        map[string]any `yaml:"data" json:"data"`
}
