// Package mototest runs moto_server (moto 5.2.1, an emulator of the AWS APIs
// that speaks their wire protocols) on 127.0.0.1 for tests, so that the real
// aws-sdk-go-v2 clients exercise fargatekit's AWS code: IAM, STS, EC2, EKS
// clusters and Fargate profiles, ELBv2, S3.
//
// [New] starts a server of the test's own (about half a second), stopped
// when the test ends; its state is the test's alone. The server runs in its
// own process group and dies with the test binary (PR_SET_PDEATHSIG), so
// nothing is left running. moto lacks EKS add-ons, access entries and Pod
// Identity; tests of those use fakes named as such.
package mototest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// EnvBinary names an environment variable that overrides the moto_server
// command (default: moto_server on PATH).
const EnvBinary = "FARGATEKIT_MOTO_SERVER"

// startTimeout bounds a moto_server's start: it imports every moto service
// (seconds on an idle machine, tens of seconds under a parallel make test).
const startTimeout = 2 * time.Minute

// AccountID is the account moto answers for (its default, 123456789012).
const AccountID = "123456789012"

// InstallHint is how to get moto_server on a machine without it.
const InstallHint = `pip install 'moto[server]==5.2.1'`

// Server is one running moto_server.
type Server struct {
	// URL is the server's endpoint, http://127.0.0.1:<port>.
	URL string
	// Log is the path of the server's log file.
	Log    string
	pid    int
	exited <-chan error
}

// Binary returns the moto_server command to run, or an error naming the
// install command when there is none.
func Binary() (string, error) {
	name := os.Getenv(EnvBinary)
	if name == "" {
		name = "moto_server"
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("mototest: %s not found (install it with %s, or set %s): %w", name, InstallHint, EnvBinary, err)
	}
	return path, nil
}

// New starts a moto_server for this test and stops it when the test ends.
// It skips the test under -short and fails it when moto_server is missing or
// does not come up within 2 minutes (a loaded CI machine starts Python slowly).
func New(t testing.TB) *Server {
	t.Helper()
	if testing.Short() {
		t.Skip("mototest: -short: moto_server not used")
	}
	s, err := Start(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("mototest: %v", err)
		}
	})
	return s
}

// Start runs a moto_server on a free port of 127.0.0.1, logging to a file
// in dir, and waits until it answers. Stop it with Stop.
func Start(ctx context.Context, dir string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("mototest: %w", err)
	}
	logPath := filepath.Join(dir, "moto_server-"+strconv.Itoa(port)+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, fmt.Errorf("mototest: %w", err)
	}
	defer logf.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "MOTO_ALLOW_NONEXISTENT_REGION=true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("mototest: starting %s: %w", bin, err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), Log: logPath, pid: cmd.Process.Pid, exited: exited}
	deadline := time.Now().Add(startTimeout)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return s, nil
		}
		select {
		case err := <-exited:
			out, _ := os.ReadFile(logPath)
			return nil, fmt.Errorf("mototest: moto_server exited (%v):\n%s", err, out)
		case <-ctx.Done():
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			return nil, fmt.Errorf("mototest: %w", ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			return nil, errors.New("mototest: moto_server did not answer within " + startTimeout.String() + "; log in " + logPath)
		}
	}
}

// Stop ends the server and its process group.
func (s *Server) Stop() error {
	_ = syscall.Kill(-s.pid, syscall.SIGTERM)
	select {
	case <-s.exited:
		return nil
	case <-time.After(5 * time.Second):
	}
	_ = syscall.Kill(-s.pid, syscall.SIGKILL)
	select {
	case <-s.exited:
		return nil
	case <-time.After(5 * time.Second):
		return fmt.Errorf("moto_server (pid %d) did not exit", s.pid)
	}
}

// Config returns an aws.Config for region whose clients all talk to the
// server (BaseEndpoint), with static test credentials: no profile, no
// environment, no metadata service is consulted.
func (s *Server) Config(region string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		BaseEndpoint: aws.String(s.URL),
		Retryer:      connectionRetryer,
	}
}

// connectionRetryer retries only what the SDK classes as a connection error
// (moto's threaded server now and then resets a kept-alive connection: "use
// of closed network connection", which a real client retries too), three
// attempts 50 ms apart and no retry quota. API errors and throttling are not
// retried: moto answers them at once, and a retry only slows a failing test.
func connectionRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = 3
		o.Retryables = []retry.IsErrorRetryable{retry.RetryableConnectionError{}}
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 50 * time.Millisecond, nil })
		o.RateLimiter = ratelimit.None
	})
}

// Reset drops every resource the server holds (moto's reset API).
func (s *Server) Reset(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/moto-api/reset", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("mototest: reset: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mototest: reset: %s", resp.Status)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
