package enumerate

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// GitHubAPI is github.com's REST API root.
const GitHubAPI = "https://api.github.com"

// GitHub names an organisation or a user.
type GitHub struct {
	APIURL string // default GitHubAPI
	Org    string
	User   string
	Token  string
	SSH    bool
}

type githubRepo struct {
	FullName string `json:"full_name"`
	CloneURL string `json:"clone_url"`
	SSHURL   string `json:"ssh_url"`
	Archived bool   `json:"archived"`
	Fork     bool   `json:"fork"`
	PushedAt string `json:"pushed_at"`
}

// GitHub lists every repository of an organisation (GET
// /orgs/{org}/repos?type=all) or a user (GET /users/{user}/repos?type=owner),
// 100 a page.
func (c *Client) GitHub(ctx context.Context, g GitHub) ([]Repo, error) {
	api := strings.TrimRight(g.APIURL, "/")
	if api == "" {
		api = GitHubAPI
	}
	first := api + "/orgs/" + url.PathEscape(g.Org) + "/repos?type=all&per_page=100"
	if g.Org == "" {
		first = api + "/users/" + url.PathEscape(g.User) + "/repos?type=owner&per_page=100"
	}
	h := http.Header{}
	h.Set("Accept", "application/vnd.github+json")
	h.Set("X-GitHub-Api-Version", "2022-11-28")
	h.Set("User-Agent", "vigil")
	if g.Token != "" {
		h.Set("Authorization", "Bearer "+g.Token)
	}
	var out []Repo
	err := c.pages(ctx, first, h, func(body []byte) error {
		var page []githubRepo
		if err := json.Unmarshal(body, &page); err != nil {
			return err
		}
		for _, r := range page {
			u := r.CloneURL
			if g.SSH {
				u = r.SSHURL
			}
			out = append(out, Repo{Name: r.FullName, CloneURL: u, Archived: r.Archived, Fork: r.Fork, PushedAt: apiTime(r.PushedAt)})
		}
		return nil
	})
	return out, err
}
