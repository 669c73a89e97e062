package serve

import (
	"net/http"

	"github.com/vigilsec/vigil/fleet/store"
)

// overviewData is the overview page and GET /api/overview.
type overviewData struct {
	Stats store.Stats `json:"stats"`
	// Failing lists the repositories whose last sync or scan failed.
	Failing []store.Repository `json:"failing_repositories"`
	Chart   chart              `json:"-"`
}

const trendWeeks = 12

func (s *Server) overview(r *http.Request, _ *rc) (view, error) {
	ctx := r.Context()
	st, err := s.st.Stats(ctx, s.now(), trendWeeks)
	if err != nil {
		return view{}, err
	}
	repos, err := s.st.Repositories(ctx, 0, false)
	if err != nil {
		return view{}, err
	}
	d := overviewData{Stats: st, Failing: []store.Repository{}, Chart: trendChart(st.Trend)}
	for _, repo := range repos {
		if repo.LastError != "" {
			d.Failing = append(d.Failing, repo)
		}
	}
	return view{Template: "overview", Title: "Overview", Data: d}, nil
}

// chart is the trend drawn as SVG bars: new incidents and closed ones per
// week, side by side.
type chart struct {
	Width, Height int
	Max           int
	Bars          []bar
}

type bar struct {
	Week                      string
	New, Closed               int
	X, NewY, NewH             int
	ClosedX, ClosedY, ClosedH int
}

func trendChart(weeks []store.Week) chart {
	const slot, h, top = 40, 120, 10
	c := chart{Width: slot * len(weeks), Height: h + top + 20}
	for _, w := range weeks {
		c.Max = max(c.Max, w.New, w.Closed)
	}
	scale := func(n int) int {
		if c.Max == 0 {
			return 0
		}
		return n * h / c.Max
	}
	for i, w := range weeks {
		b := bar{Week: w.Start.Format("Jan 2"), New: w.New, Closed: w.Closed, X: i*slot + 6}
		b.NewH, b.ClosedH = scale(w.New), scale(w.Closed)
		b.NewY, b.ClosedY = top+h-b.NewH, top+h-b.ClosedH
		b.ClosedX = b.X + 14
		c.Bars = append(c.Bars, b)
	}
	return c
}
