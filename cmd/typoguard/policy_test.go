package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/typoguard/typoguard"
)

// policyEntries is the protected set of the policy tests.
var policyEntries = []string{"army.mil", "navy.mil", "af.mil", ".mil", "gmail.com", "yahoo.com", "hotmail.com", "outlook.com"}

var policyGuard = sync.OnceValue(func() *typoguard.Guard { return typoguard.MustNew(policyEntries) })

// policyBuffer is a bytes.Buffer safe for the server's log and the test
// to share.
type policyBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *policyBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *policyBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// testPolicy is a policy server running in-process on loopback.
type testPolicy struct {
	srv    *policyServer
	addr   string
	cancel context.CancelFunc
	done   chan error // Serve's result
	logs   *policyBuffer
}

// startPolicy serves g (the shared test Guard when nil) on 127.0.0.1:0
// with the defaults changed by mod. The server is shut down at the end
// of the test, and Serve must then return nil.
func startPolicy(t testing.TB, g *typoguard.Guard, mod func(*policyConfig)) *testPolicy {
	t.Helper()
	if g == nil {
		g = policyGuard()
	}
	logs := &policyBuffer{}
	cfg := defaultPolicyConfig()
	cfg.logger = slog.New(slog.NewJSONHandler(logs, nil))
	if mod != nil {
		mod(&cfg)
	}
	srv, err := newPolicyServer(g, cfg)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	tp := &testPolicy{srv: srv, addr: ln.Addr().String(), cancel: cancel, done: make(chan error, 1), logs: logs}
	go func() { tp.done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-tp.done:
			assert.NoError(t, err, "Serve")
			tp.done <- err // for a test that already waited: keep it readable
		case <-time.After(10 * time.Second):
			t.Errorf("Serve did not return within 10s of the shutdown")
		}
	})
	return tp
}

// waitIdle waits until the server has no open connection: every
// connection goroutine has ended.
func (tp *testPolicy) waitIdle(t testing.TB) {
	t.Helper()
	require.Eventually(t, func() bool { return tp.srv.active.Load() == 0 }, 5*time.Second, 5*time.Millisecond,
		"connections still open: %d", tp.srv.active.Load())
}

// policyClient speaks the protocol as Postfix does.
type policyClient struct {
	c  net.Conn
	br *bufio.Reader
}

func dialPolicy(t testing.TB, addr string) *policyClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { c.Close() })
	return &policyClient{c: c, br: bufio.NewReader(c)}
}

func (pc *policyClient) send(s string) error {
	pc.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := io.WriteString(pc.c, s)
	return err
}

// readReply reads one reply and checks its form: exactly one line
// "action=TEXT" of printable ASCII, then an empty line. It returns TEXT.
func (pc *policyClient) readReply() (string, error) {
	pc.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	line, err := pc.br.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("reading the action line: %w (got %q)", err, line)
	}
	end, err := pc.br.ReadString('\n')
	if err != nil {
		return "", fmt.Errorf("reading the empty line: %w", err)
	}
	if end != "\n" {
		return "", fmt.Errorf("reply %q not followed by an empty line but %q", line, end)
	}
	text, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "action=")
	if !ok {
		return "", fmt.Errorf("reply line %q does not start with action=", line)
	}
	for i := 0; i < len(text); i++ {
		if c := text[i]; c < 0x20 || c > 0x7e {
			return "", fmt.Errorf("reply %q has byte %#02x at %d", text, c, i)
		}
	}
	return text, nil
}

// ask sends one request and returns the action.
func (pc *policyClient) ask(t testing.TB, req string) string {
	t.Helper()
	require.NoError(t, pc.send(req))
	action, err := pc.readReply()
	require.NoError(t, err)
	return action
}

// expectClosed checks that the server closes the connection without
// sending anything more.
func (pc *policyClient) expectClosed(t testing.TB) {
	t.Helper()
	pc.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	rest, err := io.ReadAll(pc.br)
	if err != nil && !errors.Is(err, net.ErrClosed) && !isReset(err) {
		require.NoError(t, err, "waiting for the server to close")
	}
	assert.Empty(t, string(rest), "nothing after the last reply")
}

func isReset(err error) bool {
	return err != nil && strings.Contains(err.Error(), "connection reset")
}

// rcptRequest is a request as Postfix sends it at the RCPT stage, with
// extra "name=value" attributes.
func rcptRequest(rcpt string, extra ...string) string {
	var b strings.Builder
	b.WriteString("request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n")
	b.WriteString("client_address=192.0.2.1\nclient_name=unknown\nhelo_name=client.example\n")
	b.WriteString("sender=sender@example.com\nrecipient=" + rcpt + "\nrecipient_count=0\n")
	for _, e := range extra {
		b.WriteString(e + "\n")
	}
	b.WriteString("\n")
	return b.String()
}

func blockReply(suggestion string) string { return "REJECT 5.1.1 did you mean <" + suggestion + ">?" }

func warnReply(rcpt, suggestion, rule string) string {
	return "WARN typoguard: <" + rcpt + "> looks like a typo of <" + suggestion + "> (" + rule + ")"
}

// policyCases pair a recipient as Postfix sends it (internal form:
// local part unquoted) with the expected action under the default
// templates.
var policyCases = []struct {
	name, rcpt, want string
}{
	{"block", "john.doe@army.ml", blockReply("john.doe@army.mil")},
	{"block upper case", "John.Doe@ARMY.ML", blockReply("John.Doe@army.mil")},
	{"block sub-domain", "john.doe@us.army.ml", blockReply("john.doe@us.army.mil")},
	{"block provider", "jane@gmial.com", blockReply("jane@gmail.com")},
	{"warn", "john.doe@amry.mil", warnReply("john.doe@amry.mil", "john.doe@army.mil", "inside-suffix")},
	{"ok protected", "john.doe@army.mil", "DUNNO"},
	{"ok unrelated", "someone@example.org", "DUNNO"},
	{"ok legitimate look-alike", "someone@hey.com", "DUNNO"},
	{"ok domain literal", "postmaster@[192.0.2.1]", "DUNNO"},
	{"empty recipient", "", "DUNNO"},
	{"no domain", "postmaster", "DUNNO"},
	{"trailing at", "postmaster@", "DUNNO"},
	{"invalid domain", "x@army..ml", "DUNNO"},
	// Local parts the library refuses, as Postfix passes them on.
	{"space in local part, typo domain", "john doe@army.ml", blockReply("john doe@army.mil")},
	{"double dot in local part, typo domain", "john..doe@army.ml", blockReply("john..doe@army.mil")},
	{"at sign in local part, typo domain", "john@home@army.ml", blockReply("john@home@army.mil")},
	{"local part over 64 octets, typo domain", strings.Repeat("x", 70) + "@army.ml", blockReply(strings.Repeat("x", 70) + "@army.mil")},
	{"invalid UTF-8 in local part, typo domain", "jo\xffhn@gmial.com", blockReply("jo?hn@gmail.com")},
	{"space in local part, good domain", "john doe@army.mil", "DUNNO"},
	{"double dot in local part, good domain", "john..doe@army.mil", "DUNNO"},
	{"local part over 64 octets, good domain", strings.Repeat("x", 70) + "@gmail.com", "DUNNO"},
	{"address over 254 octets, good domain", strings.Repeat("x", 250) + "@army.mil", "DUNNO"},
	{"display name look-alike, good domain", "Jane <jane@gmial.com>@army.mil", "DUNNO"},
}

func TestPolicyProtocol(t *testing.T) {
	tp := startPolicy(t, nil, nil)
	t.Run("one connection", func(t *testing.T) {
		pc := dialPolicy(t, tp.addr)
		for _, tc := range policyCases {
			assert.Equal(t, tc.want, pc.ask(t, rcptRequest(tc.rcpt)), "%s: %q", tc.name, tc.rcpt)
		}
	})
	t.Run("parallel", func(t *testing.T) {
		for _, tc := range policyCases {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				pc := dialPolicy(t, tp.addr)
				assert.Equal(t, tc.want, pc.ask(t, rcptRequest(tc.rcpt)), "%q", tc.rcpt)
			})
		}
	})
	t.Run("other states", func(t *testing.T) {
		pc := dialPolicy(t, tp.addr)
		for _, state := range []string{"CONNECT", "EHLO", "HELO", "MAIL", "DATA", "END-OF-MESSAGE", "VRFY", "ETRN", ""} {
			req := strings.Replace(rcptRequest("john.doe@army.ml"), "protocol_state=RCPT", "protocol_state="+state, 1)
			assert.Equal(t, "DUNNO", pc.ask(t, req), "state %q", state)
		}
		// Postfix writes the state in upper case; be lenient.
		req := strings.Replace(rcptRequest("john.doe@army.ml"), "protocol_state=RCPT", "protocol_state=rcpt", 1)
		assert.Equal(t, blockReply("john.doe@army.mil"), pc.ask(t, req))
	})
	t.Run("minimal and CRLF requests", func(t *testing.T) {
		pc := dialPolicy(t, tp.addr)
		assert.Equal(t, blockReply("a@army.mil"), pc.ask(t, "protocol_state=RCPT\nrecipient=a@army.ml\n\n"))
		assert.Equal(t, blockReply("a@army.mil"), pc.ask(t, "protocol_state=RCPT\r\nrecipient=a@army.ml\r\n\r\n"))
		assert.Equal(t, "DUNNO", pc.ask(t, "\n"), "an empty request")
		// The last value wins, as with Postfix's own attribute parser.
		assert.Equal(t, "DUNNO", pc.ask(t, "protocol_state=RCPT\nrecipient=a@army.ml\nrecipient=a@army.mil\n\n"))
	})
}

func TestPolicyJudgeRecipient(t *testing.T) {
	g := policyGuard()
	for _, tc := range policyCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			j, err := judgeRecipient(g, tc.rcpt)
			require.NoError(t, err)
			switch {
			case strings.HasPrefix(tc.want, "REJECT"):
				assert.Equal(t, typoguard.Block, j.verdict)
			case strings.HasPrefix(tc.want, "WARN"):
				assert.Equal(t, typoguard.Warn, j.verdict)
			default:
				assert.Equal(t, typoguard.OK, j.verdict)
				assert.Empty(t, j.suggestion)
			}
			if j.verdict != typoguard.OK {
				// The suggestion keeps the local part exactly as sent.
				at := strings.LastIndexByte(tc.rcpt, '@')
				assert.True(t, strings.HasPrefix(j.suggestion, tc.rcpt[:at+1]), "suggestion %q for %q", j.suggestion, tc.rcpt)
				assert.NotEmpty(t, j.rule)
				assert.Equal(t, j.suggestion[at+1:], j.suggestedDomain)
			}
		})
	}
}

func TestPolicyPipelined(t *testing.T) {
	tp := startPolicy(t, nil, nil)
	pc := dialPolicy(t, tp.addr)
	var all strings.Builder
	var want []string
	for i := range 50 {
		tc := policyCases[i%len(policyCases)]
		all.WriteString(rcptRequest(tc.rcpt, fmt.Sprintf("queue_id=Q%d", i)))
		want = append(want, tc.want)
	}
	// Everything in one write, replies read afterwards.
	require.NoError(t, pc.send(all.String()))
	for i, w := range want {
		got, err := pc.readReply()
		require.NoError(t, err, "reply %d", i)
		assert.Equal(t, w, got, "reply %d", i)
	}
	// Byte by byte works too.
	req := rcptRequest("jane@gmial.com")
	for i := range len(req) {
		require.NoError(t, pc.send(req[i:i+1]))
	}
	got, err := pc.readReply()
	require.NoError(t, err)
	assert.Equal(t, blockReply("jane@gmail.com"), got)
}

func TestPolicyManyConnections(t *testing.T) {
	const conns, perConn = 200, 5
	tp := startPolicy(t, nil, nil)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := net.DialTimeout("tcp", tp.addr, 5*time.Second)
			if !assert.NoError(t, err) {
				return
			}
			defer c.Close()
			pc := &policyClient{c: c, br: bufio.NewReader(c)}
			<-start
			if i%2 == 0 {
				// Half of them pipeline all their requests.
				var all strings.Builder
				for k := range perConn {
					all.WriteString(rcptRequest(policyCases[(i+k)%len(policyCases)].rcpt))
				}
				if !assert.NoError(t, pc.send(all.String())) {
					return
				}
			}
			for k := range perConn {
				tc := policyCases[(i+k)%len(policyCases)]
				if i%2 == 1 && !assert.NoError(t, pc.send(rcptRequest(tc.rcpt))) {
					return
				}
				got, err := pc.readReply()
				if !assert.NoError(t, err, "conn %d request %d", i, k) {
					return
				}
				assert.Equal(t, tc.want, got, "conn %d request %d: %q", i, k, tc.rcpt)
			}
		}()
	}
	close(start)
	wg.Wait()
	tp.waitIdle(t)
}

func TestPolicyGarbage(t *testing.T) {
	tp := startPolicy(t, nil, func(c *policyConfig) { c.failClosed = true })
	cases := []struct {
		name, req, want string
	}{
		{"line without =", "hello world\n\n", failClosedAction},
		{"empty name", "=value\nprotocol_state=RCPT\nrecipient=a@army.ml\n\n", failClosedAction},
		{"garbage among good lines", rcptRequest("a@army.ml", "GET / HTTP/1.1"), failClosedAction},
		{"binary attribute is ignored", "\x00\x01\xfe\xff=\x80\x81\nprotocol_state=RCPT\nrecipient=a@army.ml\n\n", blockReply("a@army.mil")},
		{"binary without =", "\x00\x01\x02\x03\xff\n\n", failClosedAction},
		{"invalid UTF-8 in the domain", rcptRequest("a@arm\xffy.ml"), "DUNNO"},
		{"NUL in the domain", rcptRequest("a@army.ml\x00.evil"), "DUNNO"},
		{"unknown request type", "request=something_else\nfoo=bar\n\n", "DUNNO"},
		{"attribute values with =", rcptRequest("a=b@army.ml", "policy_context=x=y"), blockReply("a=b@army.mil")},
	}
	pc := dialPolicy(t, tp.addr)
	for _, tc := range cases {
		// The framing is intact, so the connection goes on serving.
		assert.Equal(t, tc.want, pc.ask(t, tc.req), tc.name)
	}
	assert.Equal(t, blockReply("jane@gmail.com"), pc.ask(t, rcptRequest("jane@gmial.com")), "still in sync")
	assert.Contains(t, tp.logs.String(), "malformed request line")
}

func TestPolicyOversize(t *testing.T) {
	for _, failClosed := range []bool{false, true} {
		want := failOpenAction
		if failClosed {
			want = failClosedAction
		}
		t.Run(want, func(t *testing.T) {
			tp := startPolicy(t, nil, func(c *policyConfig) { c.failClosed = failClosed })
			// A line of exactly -max-line bytes is fine, one more is not.
			rcpt := strings.Repeat("x", defaultMaxLine-len("recipient=@army.ml")) + "@army.ml"
			pc := dialPolicy(t, tp.addr)
			got := pc.ask(t, rcptRequest(rcpt))
			assert.True(t, strings.HasPrefix(got, "REJECT 5.1.1 did you mean <xxx"), got)
			good := strings.Repeat("x", defaultMaxLine-len("recipient=@army.mil")) + "@army.mil"
			assert.Equal(t, "DUNNO", pc.ask(t, rcptRequest(good)), "the longest line is served")

			oversize := map[string]string{
				"line one byte too long": rcptRequest("x" + rcpt),
				"line of 64 KiB":         rcptRequest(strings.Repeat("y", 64<<10) + "@army.ml"),
				"line without newline":   "recipient=" + strings.Repeat("z", 2*defaultMaxLine),
				"too many attributes":    rcptRequest("a@army.ml", strings.Repeat("x=y\n", defaultMaxAttrs)),
				"many empty names":       strings.Repeat("=\n", defaultMaxAttrs+1) + "\n",
			}
			for name, req := range oversize {
				pc := dialPolicy(t, tp.addr)
				go pc.send(req) // may fail once the server closes
				got, err := pc.readReply()
				require.NoError(t, err, name)
				assert.Equal(t, want, got, name)
				pc.expectClosed(t)
			}
			// Exactly -max-attrs attributes is fine.
			var b strings.Builder
			b.WriteString("protocol_state=RCPT\nrecipient=a@army.ml\n")
			for i := 2; i < defaultMaxAttrs; i++ {
				fmt.Fprintf(&b, "x%d=y\n", i)
			}
			b.WriteString("\n")
			assert.Equal(t, blockReply("a@army.mil"), pc.ask(t, b.String()))
			logs := tp.logs.String()
			assert.Contains(t, logs, errLineTooLong.Error())
			assert.Contains(t, logs, errTooManyAttrs.Error())
			pc.c.Close()
			tp.waitIdle(t)
		})
	}
}

func TestPolicyVanishedClients(t *testing.T) {
	tp := startPolicy(t, nil, nil)
	req := rcptRequest("john.doe@army.ml")
	vanish := map[string]func(c *net.TCPConn){
		"connect and close":       func(c *net.TCPConn) {},
		"close mid-line":          func(c *net.TCPConn) { io.WriteString(c, req[:20]) },
		"close mid-request":       func(c *net.TCPConn) { io.WriteString(c, req[:len(req)-1]) },
		"close before the reply":  func(c *net.TCPConn) { io.WriteString(c, req) },
		"pipeline and close":      func(c *net.TCPConn) { io.WriteString(c, strings.Repeat(req, 100)) },
		"reset with data pending": func(c *net.TCPConn) { io.WriteString(c, strings.Repeat(req, 100)); c.SetLinger(0) },
		"reset mid-request":       func(c *net.TCPConn) { io.WriteString(c, req[:30]); c.SetLinger(0) },
		"half-close after request": func(c *net.TCPConn) {
			io.WriteString(c, req)
			c.CloseWrite()
			// The server still answers the request it got.
			br := bufio.NewReader(c)
			c.SetReadDeadline(time.Now().Add(5 * time.Second))
			line, _ := br.ReadString('\n')
			assert.Equal(t, "action="+blockReply("john.doe@army.mil")+"\n", line)
		},
	}
	for round := range 5 {
		var wg sync.WaitGroup
		for name, f := range vanish {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c, err := net.DialTimeout("tcp", tp.addr, 5*time.Second)
				if !assert.NoError(t, err, "%s round %d", name, round) {
					return
				}
				f(c.(*net.TCPConn))
				c.Close()
			}()
		}
		wg.Wait()
	}
	// Every connection goroutine ends: no leak.
	tp.waitIdle(t)
	pc := dialPolicy(t, tp.addr)
	assert.Equal(t, blockReply("john.doe@army.mil"), pc.ask(t, req), "a healthy client is served")
}

func TestPolicyInjection(t *testing.T) {
	tp := startPolicy(t, nil, func(c *policyConfig) {
		c.warnAction = "WARN {recipient} -> {suggestion} {domain} {suggested_domain} {target} {rule} {message}"
	})
	long := strings.Repeat("a", 300)
	cases := []struct {
		name, rcpt, want string
	}{
		{"CR and a second action", "x\raction=OK\r@army.ml", blockReply("x?action=OK?@army.mil")},
		{"CR at the end of the line is CRLF", "x@army.ml\r", blockReply("x@army.mil")},
		{"control characters", "x\x00\x1b[31m\x07\x7f\t@army.ml", blockReply("x??[31m???@army.mil")},
		{"C1 control and bidi override", "x\u009b\u202e@army.ml", blockReply("x??@army.mil")},
		{"non-ASCII local part", "jöhn@army.ml", blockReply("j?hn@army.mil")},
		{"long local part", long + "@army.ml", blockReply(long[:197] + "...")},
		{"warn echoes", "a\rb@amry.mil", "WARN a?b@amry.mil -> a?b@army.mil amry.mil army.mil army.mil inside-suffix "},
		{"warn echoes long", long + "@amry.mil", "WARN " + long[:197] + "... -> " + long[:197] + "... amry.mil army.mil army.mil inside-suffix "},
	}
	pc := dialPolicy(t, tp.addr)
	for _, tc := range cases {
		got := pc.ask(t, rcptRequest(tc.rcpt))
		if strings.HasPrefix(tc.want, "WARN") {
			// {message} is the library's text: check it is there, safely.
			assert.True(t, strings.HasPrefix(got, tc.want), "%s:\n got %q\nwant %q…", tc.name, got, tc.want)
		} else {
			assert.Equal(t, tc.want, got, tc.name)
		}
	}
	// The raw bytes: each reply is one action line and an empty line.
	raw := dialPolicy(t, tp.addr)
	require.NoError(t, raw.send(rcptRequest("x\r\raction=OK\r\r@army.ml")+rcptRequest("y@army.mil")))
	raw.c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 0, 256)
	for !bytes.HasSuffix(buf, []byte("action=DUNNO\n\n")) {
		b, err := raw.br.ReadByte()
		require.NoError(t, err, "read so far: %q", buf)
		buf = append(buf, b)
	}
	assert.Equal(t, "action="+blockReply("x??action=OK??@army.mil")+"\n\naction=DUNNO\n\n", string(buf))
}

func TestPolicyInternalError(t *testing.T) {
	boom := typoguard.Rule{
		Name: "boom",
		Doc:  "Panics on boom.example",
		Check: func(g *typoguard.Guard, c typoguard.Candidate) []typoguard.Finding {
			if strings.HasSuffix(c.Domain, "boom.example") {
				panic("boom")
			}
			return nil
		},
	}
	g := typoguard.MustNew(policyEntries, typoguard.WithRules(append(typoguard.DefaultRules(), boom)...))
	for _, failClosed := range []bool{false, true} {
		want := failOpenAction
		if failClosed {
			want = failClosedAction
		}
		t.Run(want, func(t *testing.T) {
			tp := startPolicy(t, g, func(c *policyConfig) { c.failClosed = failClosed })
			pc := dialPolicy(t, tp.addr)
			for range 3 {
				assert.Equal(t, want, pc.ask(t, rcptRequest("a@boom.example")))
				// Also through the neutral local part.
				assert.Equal(t, want, pc.ask(t, rcptRequest("a b@boom.example")))
				// The same connection goes on with real judgments.
				assert.Equal(t, blockReply("a@army.mil"), pc.ask(t, rcptRequest("a@army.ml")))
			}
			logs := tp.logs.String()
			assert.Contains(t, logs, "internal error")
			assert.Contains(t, logs, "panic while judging: boom")
		})
	}
}

func TestPolicyGracefulShutdown(t *testing.T) {
	entered := make(chan struct{}, 1)
	release := make(chan struct{})
	slow := typoguard.Rule{
		Name: "slow",
		Doc:  "Blocks on the local part slow until released",
		Check: func(g *typoguard.Guard, c typoguard.Candidate) []typoguard.Finding {
			if c.Local == "slow" {
				entered <- struct{}{}
				<-release
			}
			return nil
		},
	}
	g := typoguard.MustNew(policyEntries, typoguard.WithRules(append(typoguard.DefaultRules(), slow)...))
	tp := startPolicy(t, g, nil)
	busy := dialPolicy(t, tp.addr)
	idle := dialPolicy(t, tp.addr)
	assert.Equal(t, "DUNNO", busy.ask(t, rcptRequest("a@army.mil")))
	assert.Equal(t, "DUNNO", idle.ask(t, rcptRequest("a@army.mil")))

	require.NoError(t, busy.send(rcptRequest("slow@army.ml")))
	<-entered
	tp.cancel()

	// The idle connection closes at once, and nothing new is accepted.
	idle.expectClosed(t)
	require.Eventually(t, func() bool {
		c, err := net.DialTimeout("tcp", tp.addr, time.Second)
		if err == nil {
			c.Close()
		}
		return err != nil
	}, 5*time.Second, 10*time.Millisecond, "the listener is closed")
	select {
	case err := <-tp.done:
		t.Fatalf("Serve returned %v with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}

	// The request in flight gets its answer, then the connection closes.
	close(release)
	got, err := busy.readReply()
	require.NoError(t, err)
	assert.Equal(t, blockReply("slow@army.mil"), got)
	busy.expectClosed(t)
	select {
	case err := <-tp.done:
		assert.NoError(t, err)
		tp.done <- err
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return")
	}
}

func TestPolicyShutdownDuringRequestRead(t *testing.T) {
	// A request whose first bytes arrived before the shutdown is read to
	// its end and answered.
	tp := startPolicy(t, nil, nil)
	pc := dialPolicy(t, tp.addr)
	req := rcptRequest("jane@gmial.com")
	require.NoError(t, pc.send(req[:10]))
	require.Eventually(t, func() bool { return tp.srv.active.Load() == 1 }, 5*time.Second, time.Millisecond)
	time.Sleep(50 * time.Millisecond) // let the server see the first bytes
	tp.cancel()
	time.Sleep(50 * time.Millisecond)
	require.NoError(t, pc.send(req[10:]))
	got, err := pc.readReply()
	require.NoError(t, err)
	assert.Equal(t, blockReply("jane@gmail.com"), got)
	pc.expectClosed(t)
}

func TestPolicyIdleTimeout(t *testing.T) {
	tp := startPolicy(t, nil, func(c *policyConfig) { c.idleTimeout = 200 * time.Millisecond })
	pc := dialPolicy(t, tp.addr)
	assert.Equal(t, "DUNNO", pc.ask(t, rcptRequest("a@army.mil")))
	start := time.Now()
	pc.expectClosed(t)
	assert.Less(t, time.Since(start), 3*time.Second)

	// A client that starts a request and stalls is cut off too.
	stalled := dialPolicy(t, tp.addr)
	require.NoError(t, stalled.send("protocol_state=RCPT\nrecipient=a@ar"))
	stalled.expectClosed(t)
	tp.waitIdle(t)
}

func TestPolicyMaxConns(t *testing.T) {
	tp := startPolicy(t, nil, func(c *policyConfig) { c.maxConns = 2 })
	c1 := dialPolicy(t, tp.addr)
	c2 := dialPolicy(t, tp.addr)
	assert.Equal(t, "DUNNO", c1.ask(t, rcptRequest("a@army.mil")))
	assert.Equal(t, "DUNNO", c2.ask(t, rcptRequest("a@army.mil")))

	// A third waits in the backlog: connected, but not served.
	c3 := dialPolicy(t, tp.addr)
	require.NoError(t, c3.send(rcptRequest("a@army.ml")))
	c3.c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	_, err := c3.br.ReadByte()
	var ne net.Error
	require.True(t, errors.As(err, &ne) && ne.Timeout(), "no answer beyond -max-conns, got %v", err)

	// Once a slot frees, it is served.
	c1.c.Close()
	got, err := c3.readReply()
	require.NoError(t, err)
	assert.Equal(t, blockReply("a@army.mil"), got)
}

func TestPolicyDecisionLog(t *testing.T) {
	tp := startPolicy(t, nil, nil)
	pc := dialPolicy(t, tp.addr)
	pc.ask(t, rcptRequest("john.doe@army.ml", "queue_id=4BCD12", "client_address=198.51.100.7"))
	pc.ask(t, rcptRequest("jane@gmail.com"))
	var decisions []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(tp.logs.String()), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		if m["msg"] == "decision" {
			decisions = append(decisions, m)
		}
	}
	require.Len(t, decisions, 2)
	d := decisions[0]
	assert.Equal(t, "john.doe@army.ml", d["recipient"])
	assert.Equal(t, "block", d["verdict"])
	assert.Equal(t, "suffix-slip", d["rule"])
	assert.Equal(t, "john.doe@army.mil", d["suggestion"])
	assert.Equal(t, "198.51.100.7", d["client_address"], "the last client_address wins")
	assert.Equal(t, "4BCD12", d["queue_id"])
	assert.Equal(t, blockReply("john.doe@army.mil"), d["action"])
	d = decisions[1]
	assert.Equal(t, "jane@gmail.com", d["recipient"])
	assert.Equal(t, "ok", d["verdict"])
	assert.Equal(t, "DUNNO", d["action"])
	assert.NotContains(t, d, "queue_id", "no queue id at RCPT before the first recipient is accepted")
}

func TestPolicyActionTemplates(t *testing.T) {
	j := judgment{
		verdict:         typoguard.Block,
		recipient:       "a\r\nb@army.ml",
		domain:          "army.ml",
		rule:            "suffix-slip",
		target:          ".mil",
		suggestion:      "a\r\nb@army.mil",
		suggestedDomain: "army.mil",
		message:         "army.ml looks like army.mil: “i” deleted",
	}
	good := []struct{ tmpl, want string }{
		{defaultBlockAction, "REJECT 5.1.1 did you mean <a??b@army.mil>?"},
		{"550 5.1.1 <{recipient}>: did you mean <{suggestion}>?", "550 5.1.1 <a??b@army.ml>: did you mean <a??b@army.mil>?"},
		{"PREPEND X-Typoguard: {rule} {domain} {suggested_domain} {target}", "PREPEND X-Typoguard: suffix-slip army.ml army.mil .mil"},
		{"REJECT {message}", "REJECT army.ml looks like army.mil: ?i? deleted"},
		{"HOLD {{recipient}} {{", "HOLD {recipient} {"},
		{"DEFER_IF_PERMIT 4.7.1 {suggestion}}}", "DEFER_IF_PERMIT 4.7.1 a??b@army.mil}"},
		{"REJECT a } b", "REJECT a } b"},
		{"my_restriction_class", "my_restriction_class"},
		{"reject_unverified_recipient", "reject_unverified_recipient"},
		{"DISCARD", "DISCARD"},
	}
	for _, tc := range good {
		tmpl, err := parseAction("-block-action", tc.tmpl)
		require.NoError(t, err, tc.tmpl)
		assert.Equal(t, tc.want, tmpl.render(j), tc.tmpl)
	}
	// Without a suggested address (a user rule may give none), the
	// protected entry stands in.
	tmpl, err := parseAction("-block-action", defaultBlockAction)
	require.NoError(t, err)
	assert.Equal(t, "REJECT 5.1.1 did you mean <.mil>?", tmpl.render(judgment{target: ".mil"}))

	bad := map[string]string{
		"REJECT {nope}":                   "unknown placeholder {nope}",
		"REJECT {recipient":               "unclosed",
		"REJECT 5.1.1 <%s>: <%s>?":        "not %s",
		"REJCT did you mean":              `"REJCT" is not a Postfix action`,
		"":                                "is not a Postfix action",
		"{recipient}":                     "is not a Postfix action",
		"Reject x":                        "is not a Postfix action",
		"200 ok":                          "is not a Postfix action",
		"REJECT a\nOK":                    "printable ASCII",
		"REJECT a\rb":                     "printable ASCII",
		"REJECT é":                        "printable ASCII",
		"REJECT " + policyXs(maxTemplate): "longer than",
	}
	for tmpl, want := range bad {
		_, err := parseAction("-block-action", tmpl)
		if assert.Error(t, err, "%q", tmpl) {
			assert.Contains(t, err.Error(), want)
			assert.Contains(t, err.Error(), "-block-action")
		}
	}
}

func policyXs(n int) string { return strings.Repeat("x", n) }

func TestPolicyReplyText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"plain@army.mil", "plain@army.mil"},
		{"a\r\nb", "a??b"},
		{"\x00\x1f\x7f\u0080\u009f", "?????"},
		{"ü\xff", "??"},
		{policyXs(200), policyXs(200)},
		{policyXs(201), policyXs(197) + "..."},
		{policyXs(199) + "é", policyXs(199) + "?"},
		{policyXs(200) + "é", policyXs(197) + "..."},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, replyText(tc.in, maxEcho), "%q", tc.in)
	}
}

// startPolicyCLI runs servePolicy with args until the test ends and
// returns the address it listens on.
func startPolicyCLI(t *testing.T, args ...string) (net.Addr, context.CancelFunc, chan error, *policyBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &policyBuffer{}
	ready := make(chan net.Addr, 1)
	done := make(chan error, 1)
	go func() { done <- servePolicy(ctx, args, stderr, func(a net.Addr) { ready <- a }) }()
	t.Cleanup(cancel)
	select {
	case a := <-ready:
		return a, cancel, done, stderr
	case err := <-done:
		t.Fatalf("servePolicy: %v\n%s", err, stderr)
	case <-time.After(10 * time.Second):
		t.Fatal("servePolicy did not start")
	}
	return nil, nil, nil, nil
}

func TestPolicyCLI(t *testing.T) {
	addr, cancel, done, stderr := startPolicyCLI(t, "-listen", "127.0.0.1:0", "-protect", "army.mil,.mil", "-log", "json", "-fail", "closed")
	pc := dialPolicy(t, addr.String())
	assert.Equal(t, blockReply("a@army.mil"), pc.ask(t, rcptRequest("a@army.ml")))
	assert.Equal(t, failClosedAction, pc.ask(t, "garbage\n\n"))
	cancel()
	require.NoError(t, <-done)
	assert.Contains(t, stderr.String(), `"msg":"policy: listening"`)
	assert.Contains(t, stderr.String(), `"msg":"decision","recipient":"a@army.ml"`, "waiting log lines are written at the stop")
	assert.Contains(t, stderr.String(), `"msg":"policy: stopped"`)
}

func TestPolicyUnixSocket(t *testing.T) {
	dir, err := os.MkdirTemp("", "tg") // short: socket paths are limited to 108 bytes
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(dir) })
	path := filepath.Join(dir, "policy.sock")

	// A stale socket left by a crash.
	stale, err := net.Listen("unix", path)
	require.NoError(t, err)
	stale.(*net.UnixListener).SetUnlinkOnClose(false)
	stale.Close()
	_, err = os.Lstat(path)
	require.NoError(t, err, "the stale socket is there")

	addr, cancel, done, _ := startPolicyCLI(t, "-listen", "unix:"+path, "-protect", "army.mil,.mil", "-socket-mode", "0660")
	assert.Equal(t, path, addr.String())
	fi, err := os.Lstat(path)
	require.NoError(t, err)
	assert.Equal(t, os.ModeSocket, fi.Mode().Type())
	assert.Equal(t, os.FileMode(0o660), fi.Mode().Perm())

	c, err := net.Dial("unix", path)
	require.NoError(t, err)
	defer c.Close()
	pc := &policyClient{c: c, br: bufio.NewReader(c)}
	assert.Equal(t, blockReply("a@army.mil"), pc.ask(t, rcptRequest("a@army.ml")))
	assert.Equal(t, "DUNNO", pc.ask(t, rcptRequest("a@army.mil")))

	// A second server must not steal a live socket.
	code, _, errOut := runCLI(t, "", "policy", "-listen", "unix:"+path)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "another server is listening")

	cancel()
	require.NoError(t, <-done)
	_, err = os.Lstat(path)
	assert.True(t, errors.Is(err, os.ErrNotExist), "the socket is removed on shutdown: %v", err)

	// Anything but a socket is left alone.
	require.NoError(t, os.WriteFile(path, []byte("precious"), 0o600))
	code, _, errOut = runCLI(t, "", "policy", "-listen", "unix:"+path)
	assert.Equal(t, exitError, code)
	assert.Contains(t, errOut, "not a socket")
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, "precious", string(data))
}

func TestPolicyFlags(t *testing.T) {
	bad := map[string][]string{
		"-fail":         {"-fail", "maybe"},
		"-log":          {"-log", "xml"},
		"-block-action": {"-block-action", "REJECT {nope}"},
		"-warn-action":  {"-warn-action", "WARN %s looks like %s"},
		"-max-conns":    {"-max-conns", "0"},
		"-max-line":     {"-max-line", "10"},
		"-max-attrs":    {"-max-attrs", "0"},
		"-idle-timeout": {"-idle-timeout", "0s"},
		"-socket-mode":  {"-socket-mode", "999"},
		"-log-delay":    {"-log-delay", "-1s"},
		"unexpected":    {"extra"},
	}
	for name, args := range bad {
		code, _, stderr := runCLI(t, "", append([]string{"policy"}, args...)...)
		assert.Equal(t, exitError, code, "%s: %s", name, stderr)
		assert.Contains(t, stderr, name, name)
	}
	code, _, stderr := runCLI(t, "", "policy", "-help")
	assert.Equal(t, exitOK, code)
	for _, want := range []string{"-listen", "-block-action", "-warn-action", "-fail", "-idle-timeout", "-max-conns", "-max-line", "-max-attrs", "-log", "-log-delay", "-protect", "-preset", "{suggestion}", "docs/postfix.md"} {
		assert.Contains(t, stderr, want)
	}
	code, stdout, _ := runCLI(t, "", "help")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, stdout, "typoguard policy")
}

// FuzzPolicyRequest feeds arbitrary bytes to the request parser and
// checks every answer: one line of printable ASCII that starts with an
// action, whatever the input.
func FuzzPolicyRequest(f *testing.F) {
	f.Add([]byte(rcptRequest("john.doe@army.ml")))
	f.Add([]byte(rcptRequest("x\raction=OK\r@army.ml") + rcptRequest("a b@amry.mil")))
	f.Add([]byte("protocol_state=RCPT\nrecipient=\xff\x00@gmial.com\n\n"))
	f.Add([]byte("garbage\n\n=\n\n"))
	srv, err := newPolicyServer(policyGuard(), defaultPolicyConfig())
	require.NoError(f, err)
	srv.maxLine = 256 // so that the fuzzer reaches the limits
	srv.maxAttrs = 8
	f.Fuzz(func(t *testing.T, in []byte) {
		br := bufio.NewReaderSize(bytes.NewReader(in), srv.maxLine+2)
		for {
			req, err := srv.readRequest(br)
			if err != nil {
				return
			}
			action := srv.decide(&req)
			word, _, _ := strings.Cut(action, " ")
			if !validActionWord(word) {
				t.Fatalf("action %q for %+v", action, req)
			}
			for i := 0; i < len(action); i++ {
				if c := action[i]; c < 0x20 || c > 0x7e {
					t.Fatalf("action %q has byte %#02x", action, c)
				}
			}
			if len(action) > maxTemplate+7*maxEcho {
				t.Fatalf("action of %d bytes", len(action))
			}
		}
	})
}
