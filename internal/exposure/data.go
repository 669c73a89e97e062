// Package exposure looks for misuse of a Twilio account while a credential
// was exposed. It reads Monitor events, debugger alerts and daily usage
// for the window and for a baseline before it (across subaccounts), and
// reports credential changes, console logins, actions from addresses not
// seen before, activity at unusual hours, usage spikes and bursts of
// authentication failures — each line pointing at the event, alert or
// usage record it rests on.
package exposure

import "time"

// Event is a Monitor event.
type Event struct {
	SID          string    `json:"sid"`
	Account      string    `json:"account_sid"`
	Type         string    `json:"event_type"`
	Time         time.Time `json:"event_date"`
	Source       string    `json:"source"` // api, web, twilio
	ActorType    string    `json:"actor_type"`
	ActorSID     string    `json:"actor_sid,omitempty"`
	IP           string    `json:"source_ip_address,omitempty"`
	ResourceSID  string    `json:"resource_sid,omitempty"`
	ResourceType string    `json:"resource_type,omitempty"`
	// ResourceName is the resource's friendly name from the event's data
	// (the name a key was created with), when it has one.
	ResourceName string `json:"resource_name,omitempty"`
}

// Alert is a debugger alert.
type Alert struct {
	SID       string    `json:"sid"`
	Account   string    `json:"account_sid"`
	Time      time.Time `json:"date_created"`
	ErrorCode string    `json:"error_code"`
	URL       string    `json:"request_url,omitempty"`
}

// Usage is one day of one usage category in one account.
type Usage struct {
	Account  string    `json:"account_sid"`
	Category string    `json:"category"`
	Day      time.Time `json:"day"`
	Count    float64   `json:"count"`
	Price    float64   `json:"price"`
}

// Data is everything read from Twilio for the baseline and the window.
type Data struct {
	Accounts []string
	Events   []Event
	Alerts   []Alert
	Usage    []Usage
	Notes    []string // what could not be read: the report is incomplete
	Info     []string // what was left out on purpose
}

// SpikeCategories are the usage categories checked for spikes, with the
// least daily amount that can count as one (messages, calls, USD).
func SpikeCategories() map[string]float64 {
	return map[string]float64{"sms": 50, "calls": 20, "totalprice": 10}
}
