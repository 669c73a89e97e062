package enumerate

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// GitLabAPI is gitlab.com's REST API root.
const GitLabAPI = "https://gitlab.com/api/v4"

// GitLab names a group.
type GitLab struct {
	APIURL    string // default GitLabAPI
	Group     string
	Token     string
	Subgroups bool
	SSH       bool
}

type gitlabProject struct {
	PathWithNamespace string          `json:"path_with_namespace"`
	HTTPURL           string          `json:"http_url_to_repo"`
	SSHURL            string          `json:"ssh_url_to_repo"`
	Archived          bool            `json:"archived"`
	ForkedFrom        json.RawMessage `json:"forked_from_project"`
	LastActivityAt    string          `json:"last_activity_at"`
}

// GitLab lists the projects of a group (GET /groups/:id/projects, the id
// being the URL-encoded path), with its subgroups when asked, 100 a page,
// following the Link header (keyset pagination for large groups).
func (c *Client) GitLab(ctx context.Context, g GitLab) ([]Repo, error) {
	api := strings.TrimRight(g.APIURL, "/")
	if api == "" {
		api = GitLabAPI
	}
	q := url.Values{"per_page": {"100"}, "order_by": {"id"}, "sort": {"asc"}, "pagination": {"keyset"}}
	if g.Subgroups {
		q.Set("include_subgroups", "true")
	}
	first := api + "/groups/" + url.PathEscape(g.Group) + "/projects?" + q.Encode()
	h := http.Header{}
	h.Set("User-Agent", "vigil")
	if g.Token != "" {
		h.Set("PRIVATE-TOKEN", g.Token)
	}
	var out []Repo
	err := c.pages(ctx, first, h, func(body []byte) error {
		var page []gitlabProject
		if err := json.Unmarshal(body, &page); err != nil {
			return err
		}
		for _, p := range page {
			u := p.HTTPURL
			if g.SSH {
				u = p.SSHURL
			}
			fork := len(p.ForkedFrom) > 0 && string(p.ForkedFrom) != "null"
			out = append(out, Repo{Name: p.PathWithNamespace, CloneURL: u, Archived: p.Archived, Fork: fork, PushedAt: apiTime(p.LastActivityAt)})
		}
		return nil
	})
	return out, err
}
