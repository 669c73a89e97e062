package twiliotest

import (
	"net/url"
	"strconv"
)

// item is one element of a list response: its stable id (SID, ISO code or
// composite) and its JSON fields, or a render func that makes them only if
// the item lands on the page asked for (long lists: events, alerts).
type item struct {
	id     string
	fields map[string]any
	render func() map[string]any
}

// Page tokens: "PA" + id of the last item of the previous page (next), or
// "PB" + id of the first item of the following page (previous). Clients
// must treat them as opaque, as with Twilio.
const (
	tokenAfter  = "PA"
	tokenBefore = "PB"
)

// pageSpec is the paging part of a list request.
type pageSpec struct {
	size, page int
	token      string
}

// parsePage reads PageSize, Page and PageToken.
func parsePage(c *call, defSize, maxSize int) (pageSpec, apiError, bool) {
	ps := pageSpec{size: defSize, token: c.param("PageToken")}
	if s := c.param("PageSize"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > maxSize {
			return ps, errParam("PageSize must be an integer between 1 and %d", maxSize), false
		}
		ps.size = n
	}
	if s := c.param("Page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return ps, errParam("Page must be a non-negative integer"), false
		}
		ps.page = n
	}
	return ps, apiError{}, true
}

// window picks the items of the requested page.
func (ps pageSpec) window(items []item) (start int, ok bool) {
	if ps.token == "" {
		start = ps.page * ps.size
		return min(start, len(items)), true
	}
	if len(ps.token) < 3 {
		return 0, false
	}
	id := ps.token[2:]
	idx := -1
	for i, it := range items {
		if it.id == id {
			idx = i
			break
		}
	}
	if idx < 0 {
		return 0, false
	}
	switch ps.token[:2] {
	case tokenAfter:
		return idx + 1, true
	case tokenBefore:
		return max(idx-ps.size, 0), true
	}
	return 0, false
}

// list answers a list request with Twilio's paging for the call's API:
// v2010 (flat, relative *_page_uri) or v1 (meta, absolute *_page_url).
func (c *call) list(key string, items []item) {
	v2010 := c.host == HostAPI
	ps, apiErr, ok := parsePage(c, 50, 1000)
	if !ok {
		c.w.writeError(apiErr)
		return
	}
	start, ok := ps.window(items)
	if !ok {
		c.w.writeError(newError(400, CodeInvalidPageToken, "Invalid PageToken"))
		return
	}
	end := min(start+ps.size, len(items))
	page := items[start:end]
	out := make([]map[string]any, len(page))
	for i, it := range page {
		out[i] = it.fields
		if it.render != nil {
			out[i] = it.render()
		}
	}
	var next, prev string
	if end < len(items) && len(page) > 0 {
		next = c.pageLink(ps.size, ps.page+1, tokenAfter+page[len(page)-1].id, v2010)
	}
	if start > 0 && len(page) > 0 {
		prev = c.pageLink(ps.size, max(ps.page-1, 0), tokenBefore+page[0].id, v2010)
	}
	first := c.pageLink(ps.size, 0, "", v2010)
	self := c.pageLink(ps.size, ps.page, ps.token, v2010)
	if v2010 {
		c.w.writeJSON(200, map[string]any{
			key: out, "first_page_uri": first, "next_page_uri": nullable(next),
			"previous_page_uri": nullable(prev), "page": ps.page, "page_size": ps.size,
			"start": start, "end": max(end-1, start), "uri": self,
		})
		return
	}
	c.w.writeJSON(200, map[string]any{
		key: out,
		"meta": map[string]any{
			"page": ps.page, "page_size": ps.size, "first_page_url": first,
			"previous_page_url": nullable(prev), "next_page_url": nullable(next),
			"url": self, "key": key,
		},
	})
}

// pageLink builds the link to a page: the request's own filters plus
// paging parameters. v2010 links are relative; v1 links are absolute, on
// the Twilio host the request named, or on the emulator's own address when
// the request came without a Twilio Host.
func (c *call) pageLink(size, page int, token string, relative bool) string {
	q := url.Values{}
	for k, v := range c.form {
		if k == "Page" || k == "PageSize" || k == "PageToken" || (c.r.Method != "GET" && c.r.PostForm.Has(k)) {
			continue
		}
		q[k] = v
	}
	q.Set("PageSize", strconv.Itoa(size))
	q.Set("Page", strconv.Itoa(page))
	if token != "" {
		q.Set("PageToken", token)
	}
	link := c.path + "?" + q.Encode()
	if relative {
		return link
	}
	return c.origin() + link
}

// origin is the scheme and host that absolute links use.
func (c *call) origin() string {
	if canonicalHost(c.r.Host) != "" {
		return "https://" + c.host
	}
	scheme := "http"
	if c.r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + c.r.Host
}

// resourceURL is the absolute URL of a v1 resource path.
func (c *call) resourceURL(p string) string {
	if canonicalHost(c.r.Host) != "" || c.r.Host == "" {
		return "https://" + c.host + p
	}
	return c.origin() + p
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
