package main

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/textproto"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPolicyPostfix runs the policy server behind a real, private Postfix
// instance and talks SMTP to it: Postfix must turn each verdict into the
// right RCPT reply, judge recipients one by one, and temp-fail (never
// accept) while the policy server is stalled or gone.
func TestPolicyPostfix(t *testing.T) {
	if _, err := os.Stat("/usr/sbin/postfix"); err != nil {
		t.Skip("postfix not installed (apt-get install postfix); CI installs it")
	}
	if os.Geteuid() != 0 {
		t.Skip("a private Postfix instance must be started as root (postfix(1)); CI runs as root")
	}
	start := time.Now()

	// The policy server's port stays the same while servers come and go.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	policyAddr := ln.Addr().String()
	policy := startPostfixPolicy(t, ln)

	pf := startPostfix(t, policyAddr)

	t.Run("typo domain is rejected", func(t *testing.T) {
		s := pf.session(t)
		code, msg := s.rcpt("john.doe@army.ml")
		assert.Equal(t, 5, code/100, "%d %s", code, msg)
		assert.Contains(t, msg, "did you mean <john.doe@army.mil>?")
	})
	t.Run("good domain is accepted", func(t *testing.T) {
		s := pf.session(t)
		code, msg := s.rcpt("john.doe@army.mil")
		assert.Equal(t, 250, code, msg)
	})
	t.Run("recipients are judged one by one", func(t *testing.T) {
		s := pf.session(t)
		cases := []struct {
			rcpt    string
			code    int
			contain string
		}{
			{"jane@gmail.com", 250, ""},
			{"jane@gmial.com", 5, "did you mean <jane@gmail.com>?"},
			{"john.doe@army.mil", 250, ""},
			{`"john doe"@army.ml`, 5, "did you mean <john doe@army.mil>?"},
			{strings.Repeat("x", 70) + "@army.ml", 5, "@army.mil>?"},
			// The echo of the suggestion is cut at 200 characters.
			{strings.Repeat("y", 400) + "@army.ml", 5, "did you mean <" + strings.Repeat("y", 197) + "...>?"},
			{`"john doe"@army.mil`, 250, ""},
			{strings.Repeat("x", 70) + "@army.mil", 250, ""},
			{"john.doe@amry.mil", 250, ""}, // warn: logged by Postfix, accepted
		}
		for _, tc := range cases {
			code, msg := s.rcpt(tc.rcpt)
			if tc.code < 10 {
				assert.Equal(t, tc.code, code/100, "%s: %d %s", tc.rcpt, code, msg)
			} else {
				assert.Equal(t, tc.code, code, "%s: %d %s", tc.rcpt, code, msg)
			}
			assert.Contains(t, msg, tc.contain, tc.rcpt)
		}
		require.Eventually(t, func() bool {
			return strings.Contains(pf.maillog(), "typoguard: <john.doe@amry.mil> looks like a typo of <john.doe@army.mil>")
		}, 5*time.Second, 50*time.Millisecond, "Postfix logs the WARN action")
		// Once Postfix has a queue file, the decision log has its id.
		assert.Regexp(t, `recipient=jane@gmial.com verdict=block rule=near-miss suggestion=jane@gmail.com client_address=127.0.0.1 queue_id=[0-9A-Za-z]+ `, policy.logs.String())
	})

	t.Run("policy server killed", func(t *testing.T) {
		policy.stop(t)
		s := pf.session(t)
		code, msg := s.rcpt("john.doe@army.mil")
		assert.Equal(t, 4, code/100, "temp-fail, never accept: %d %s", code, msg)
		code, msg = s.rcpt("john.doe@army.ml")
		assert.Equal(t, 4, code/100, "%d %s", code, msg)

		policy = restartPostfixPolicy(t, policyAddr)
		s = pf.session(t)
		code, msg = s.rcpt("john.doe@army.ml")
		assert.Equal(t, 5, code/100, "back: %d %s", code, msg)
		assert.Contains(t, msg, "army.mil")
		code, msg = s.rcpt("john.doe@army.mil")
		assert.Equal(t, 250, code, "back: %s", msg)
	})

	t.Run("policy server stalled", func(t *testing.T) {
		policy.stop(t)
		stalled := stallAt(t, policyAddr)
		s := pf.session(t)
		code, msg := s.rcpt("john.doe@army.mil")
		assert.Equal(t, 4, code/100, "temp-fail, never accept: %d %s", code, msg)
		assert.NotZero(t, stalled.accepted(), "Postfix did reach the stalled server")
		stalled.close()

		policy = restartPostfixPolicy(t, policyAddr)
		s = pf.session(t)
		code, msg = s.rcpt("john.doe@army.ml")
		assert.Equal(t, 5, code/100, "back: %d %s", code, msg)
		assert.Contains(t, msg, "army.mil")
		code, msg = s.rcpt("jane@gmail.com")
		assert.Equal(t, 250, code, "back: %s", msg)
	})

	t.Logf("end-to-end run took %v", time.Since(start).Round(time.Millisecond))
}

// postfixPolicy is the policy server behind the Postfix instance.
type postfixPolicy struct {
	cancel context.CancelFunc
	done   chan error
	logs   *policyBuffer
}

func startPostfixPolicy(t *testing.T, ln net.Listener) *postfixPolicy {
	t.Helper()
	logs := &policyBuffer{}
	cfg := defaultPolicyConfig()
	cfg.logger = slog.New(slog.NewTextHandler(logs, nil))
	srv, err := newPolicyServer(policyGuard(), cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	p := &postfixPolicy{cancel: cancel, done: make(chan error, 1), logs: logs}
	go func() { p.done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() {
			t.Logf("policy server log:\n%s", logs)
		}
	})
	return p
}

// restartPostfixPolicy listens again on the same address.
func restartPostfixPolicy(t *testing.T, addr string) *postfixPolicy {
	t.Helper()
	var ln net.Listener
	require.Eventually(t, func() bool {
		var err error
		ln, err = net.Listen("tcp", addr)
		return err == nil
	}, 5*time.Second, 20*time.Millisecond, "listening again on %s", addr)
	return startPostfixPolicy(t, ln)
}

// stop shuts the server down gracefully; it may be called again.
func (p *postfixPolicy) stop(t *testing.T) {
	t.Helper()
	p.cancel()
	select {
	case err, ok := <-p.done:
		if ok {
			assert.NoError(t, err, "Serve")
			close(p.done)
		}
	case <-time.After(10 * time.Second):
		t.Error("the policy server did not stop")
	}
}

// stalledServer accepts connections and never answers.
type stalledServer struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

func stallAt(t *testing.T, addr string) *stalledServer {
	t.Helper()
	s := &stalledServer{}
	require.Eventually(t, func() bool {
		var err error
		s.ln, err = net.Listen("tcp", addr)
		return err == nil
	}, 5*time.Second, 20*time.Millisecond)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := s.ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
		}
	}()
	t.Cleanup(s.close)
	return s
}

func (s *stalledServer) accepted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

func (s *stalledServer) close() {
	s.ln.Close()
	s.wg.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
}

// postfixInstance is a private Postfix: its own configuration, queue and
// log under a temporary directory, smtpd on a loopback port, delivering
// nowhere.
type postfixInstance struct {
	dir, conf, smtpAddr string
}

func startPostfix(t *testing.T, policyAddr string) *postfixInstance {
	t.Helper()
	// Postfix's daemons run as the postfix user and must reach the
	// queue: the directories on the way must be searchable, which
	// t.TempDir's are not (0700).
	dir, err := os.MkdirTemp("", "typoguard-postfix-")
	require.NoError(t, err)
	require.NoError(t, os.Chmod(dir, 0o755))
	pf := &postfixInstance{dir: dir, conf: filepath.Join(dir, "conf")}
	t.Cleanup(func() {
		pf.stop(t)
		if t.Failed() {
			t.Logf("Postfix log:\n%s", pf.maillog())
		}
		// Daemons may still be exiting: retry briefly.
		for i := 0; i < 50; i++ {
			if err = os.RemoveAll(dir); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Errorf("removing %s: %v", dir, err)
	})
	require.NoError(t, os.Mkdir(pf.conf, 0o755))
	// "postfix start" creates the queue's sub-directories with their
	// owners and modes (post-install create-missing).
	require.NoError(t, os.Mkdir(filepath.Join(dir, "queue"), 0o755))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "data"), 0o700))
	if u, err := user.Lookup("postfix"); err == nil {
		uid, _ := strconv.Atoi(u.Uid)
		require.NoError(t, os.Chown(filepath.Join(dir, "data"), uid, -1))
	}

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	pf.smtpAddr = l.Addr().String()
	l.Close()

	mainCF := fmt.Sprintf(`# A private Postfix for typoguard's end-to-end test: smtpd on a
# loopback port, every recipient checked by the policy server, nothing
# delivered anywhere, no DNS.
compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/data
maillog_file = %[1]s/maillog
maillog_file_prefixes = %[1]s
mail_owner = postfix
setgid_group = postdrop
myhostname = typoguard-test.localdomain
mydomain = localdomain
myorigin = $myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
mydestination =
relay_domains =
relayhost =
alias_maps =
alias_database =
local_recipient_maps =
default_transport = discard
local_transport = discard
relay_transport = discard
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
smtpd_client_connection_count_limit = 0
smtpd_client_restrictions =
smtpd_helo_restrictions =
smtpd_sender_restrictions =
smtpd_relay_restrictions = permit_mynetworks, reject
smtpd_recipient_restrictions = check_policy_service inet:%[2]s, permit_mynetworks, reject
smtpd_policy_service_timeout = 2s
smtpd_policy_service_try_limit = 2
smtpd_policy_service_retry_delay = 1s
smtpd_policy_service_max_idle = 60s
smtpd_policy_service_default_action = 451 4.3.5 typoguard policy service unavailable
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 100
smtpd_error_sleep_time = 0
`, dir, policyAddr)
	masterCF := fmt.Sprintf(`# service type private unpriv chroot wakeup maxproc command
%s inet n - n - - smtpd
pickup    unix  n - n 60   1 pickup
cleanup   unix  n - n -    0 cleanup
qmgr      unix  n - n 300  1 qmgr
rewrite   unix  - - n -    - trivial-rewrite
bounce    unix  - - n -    0 bounce
defer     unix  - - n -    0 bounce
trace     unix  - - n -    0 bounce
verify    unix  - - n -    1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n -    - proxymap
anvil     unix  - - n -    1 anvil
scache    unix  - - n -    1 scache
error     unix  - - n -    - error
retry     unix  - - n -    - error
discard   unix  - - n -    - discard
postlog   unix-dgram n - n - 1 postlogd
`, pf.smtpAddr)
	require.NoError(t, os.WriteFile(filepath.Join(pf.conf, "main.cf"), []byte(mainCF), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(pf.conf, "master.cf"), []byte(masterCF), 0o644))

	out, err := pf.postfix("start")
	require.NoError(t, err, "postfix -c %s start: %s\n%s", pf.conf, out, pf.maillog())
	// "postfix start" returns once master is up; smtpd's port is open.
	c, err := net.DialTimeout("tcp", pf.smtpAddr, 5*time.Second)
	require.NoError(t, err, "connecting to Postfix's smtpd")
	c.Close()
	return pf
}

func (pf *postfixInstance) postfix(args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/usr/sbin/postfix", append([]string{"-c", pf.conf}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// stop stops the instance: "postfix stop", then "postfix abort" if master
// is still running after 10 seconds.
func (pf *postfixInstance) stop(t *testing.T) {
	running := func() bool {
		_, err := pf.postfix("status")
		return err == nil
	}
	if !running() {
		return
	}
	if out, err := pf.postfix("stop"); err != nil {
		t.Logf("postfix stop: %v: %s", err, out)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if !running() {
			return
		}
	}
	out, err := pf.postfix("abort")
	t.Errorf("postfix did not stop in 10s; postfix abort: %v: %s", err, out)
}

func (pf *postfixInstance) maillog() string {
	b, _ := os.ReadFile(filepath.Join(pf.dir, "maillog"))
	return string(b)
}

// smtpSession is an SMTP client that has sent MAIL FROM and is ready for
// RCPT commands; every reply is logged.
type smtpSession struct {
	t  *testing.T
	tp *textproto.Conn
}

func (pf *postfixInstance) session(t *testing.T) *smtpSession {
	t.Helper()
	c, err := net.DialTimeout("tcp", pf.smtpAddr, 5*time.Second)
	require.NoError(t, err)
	require.NoError(t, c.SetDeadline(time.Now().Add(30*time.Second)))
	s := &smtpSession{t: t, tp: textproto.NewConn(c)}
	t.Cleanup(func() {
		s.cmd("QUIT")
		s.tp.Close()
	})
	_, _, err = s.tp.ReadResponse(220)
	require.NoError(t, err, "greeting")
	code, msg := s.cmd("EHLO client.example")
	require.Equal(t, 250, code, msg)
	code, msg = s.cmd("MAIL FROM:<sender@example.com>")
	require.Equal(t, 250, code, msg)
	return s
}

func (s *smtpSession) cmd(format string, args ...any) (int, string) {
	s.t.Helper()
	start := time.Now()
	id, err := s.tp.Cmd(format, args...)
	if err != nil {
		s.t.Errorf("%s: %v", fmt.Sprintf(format, args...), err)
		return 0, ""
	}
	s.tp.StartResponse(id)
	code, msg, err := s.tp.ReadResponse(0)
	s.tp.EndResponse(id)
	if err != nil && code == 0 {
		s.t.Errorf("%s: %v", fmt.Sprintf(format, args...), err)
	}
	if strings.HasPrefix(format, "RCPT") {
		s.t.Logf("C: %s\nS: %d %s (%v)", fmt.Sprintf(format, args...), code, msg, time.Since(start).Round(time.Millisecond))
	}
	return code, msg
}

func (s *smtpSession) rcpt(addr string) (int, string) {
	s.t.Helper()
	return s.cmd("RCPT TO:<%s>", addr)
}
