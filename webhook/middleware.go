package webhook

import (
	"log/slog"
	"net/http"
)

// Middleware returns a handler that passes to next only the requests whose
// X-Twilio-Signature v verifies, with the body still readable. It answers
// 400 when the header is missing, repeated or the request is malformed, 403
// when the signature or body hash does not match, 413 for a body over
// v.MaxBody and 500 when no token is configured.
func Middleware(next http.Handler, v *Validator) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := v.Check(r); err != nil {
			status := StatusCode(err)
			if v.Logger != nil {
				level := slog.LevelInfo
				if status >= 500 {
					level = slog.LevelError
				}
				v.Logger.LogAttrs(r.Context(), level, "webhook refused",
					slog.String("reason", Reason(err)), slog.Int("status", status),
					slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.String("remote", r.RemoteAddr), slog.String("error", err.Error()))
			}
			http.Error(w, publicError(err).Error(), status)
			return
		}
		next.ServeHTTP(w, r)
	})
}
