package httpget

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestGet(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Write([]byte("0123456789"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := context.Background()
	if data, err := Get(ctx, srv.URL+"/ok", 10); err != nil || string(data) != "0123456789" {
		t.Errorf("Get(/ok, 10) = %q, %v", data, err)
	}
	if _, err := Get(ctx, srv.URL+"/ok", 9); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), srv.URL+"/ok") {
		t.Errorf("Get(/ok, 9): %v, want ErrTooLarge naming the URL", err)
	}
	if _, err := Get(ctx, srv.URL+"/missing", 10); err == nil || !strings.Contains(err.Error(), "404 Not Found") {
		t.Errorf("Get(/missing): %v, want the status", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Get(cancelled, srv.URL+"/ok", 10); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with a cancelled context: %v", err)
	}
}
