package store

import (
	"context"
	"fmt"
)

// Notification states.
const (
	NotifyPending = "pending"
	NotifySent    = "sent"
)

// NotificationSent reports whether a notification (an incident's event,
// such as "live-1", to one output) has been sent, and records it as
// pending when it is new.
func (s *Store) NotificationSent(ctx context.Context, incidentID int64, event, output string) (bool, error) {
	if _, err := s.db.ExecContext(ctx, s.q("INSERT INTO fleet_notifications (incident_id, event, output, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (incident_id, event, output) DO NOTHING"),
		incidentID, event, output, s.nowMS()); err != nil {
		return false, fmt.Errorf("record notification: %w", err)
	}
	var state string
	err := s.db.QueryRowContext(ctx, s.q("SELECT state FROM fleet_notifications WHERE incident_id = ? AND event = ? AND output = ?"), incidentID, event, output).Scan(&state)
	return state == NotifySent, err
}

// MarkNotification records the outcome of one attempt to send a
// notification: sent when errMsg is empty.
func (s *Store) MarkNotification(ctx context.Context, incidentID int64, event, output, errMsg string) error {
	state, sentAt := NotifyPending, any(nil)
	if errMsg == "" {
		state, sentAt = NotifySent, s.nowMS()
	}
	_, err := s.db.ExecContext(ctx, s.q("UPDATE fleet_notifications SET state = ?, attempts = attempts + 1, last_error = ?, sent_at = ? WHERE incident_id = ? AND event = ? AND output = ?"),
		state, errMsg, sentAt, incidentID, event, output)
	return err
}

// NotificationCount counts the notifications in a state (tests, status).
func (s *Store) NotificationCount(ctx context.Context, state string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM fleet_notifications WHERE state = ?"), state).Scan(&n)
	return n, err
}
