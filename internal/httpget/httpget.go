// Package httpget downloads small documents over HTTP(S): one GET under the
// caller's context, 200 OK required, the body bounded. sdk/lbc (chart
// archives and repository indexes) and internal/lbcref (the reference files
// tests fetch) share it; each wraps its errors with its own sentinel.
package httpget

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// ErrTooLarge is wrapped when a body is larger than the caller allows.
var ErrTooLarge = errors.New("httpget: body too large")

// Get fetches u with http.DefaultClient and returns its body, at most max
// bytes. Every error names the URL: the request failed, the status was not
// 200 OK, the body could not be read, or it was larger than max
// (ErrTooLarge).
func Get(ctx context.Context, u string, max int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("GET %s: %w (more than %d bytes)", u, ErrTooLarge, max)
	}
	return data, nil
}
