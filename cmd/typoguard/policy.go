package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/typoguard/typoguard"
)

// "typoguard policy": a Postfix SMTPD policy delegation server
// (SMTPD_POLICY_README). Postfix's smtpd sends one request per recipient,
// "name=value" lines ended by an empty line, and reads back one
// "action=..." line and an empty line; a connection carries many
// requests. The server judges the recipient at protocol_state=RCPT and
// answers DUNNO for everything else. docs/postfix.md shows the Postfix
// side.

// Defaults of the policy flags.
const (
	defaultPolicyListen = "127.0.0.1:10040"
	defaultBlockAction  = "REJECT 5.1.1 did you mean <{suggestion}>?"
	defaultWarnAction   = "WARN typoguard: <{recipient}> looks like a typo of <{suggestion}> ({rule})"
	failOpenAction      = "DUNNO"
	failClosedAction    = "DEFER_IF_PERMIT 4.7.1 typoguard unavailable"
	defaultIdleTimeout  = 60 * time.Second
	defaultMaxConns     = 1000
	defaultMaxLine      = 4096
	defaultMaxAttrs     = 100
	defaultSocketMode   = 0o666
	// The decision log is written in batches: a line at most 100 ms
	// after it is logged, or once 64 KiB wait (a few hundred lines).
	defaultLogDelay = 100 * time.Millisecond
	logBatchSize    = 64 << 10
)

// maxEcho bounds how many characters of an address, or of any other
// value, a reply repeats.
const maxEcho = 200

// maxTemplate bounds an action template; with maxEcho characters per
// placeholder a reply stays a few hundred bytes.
const maxTemplate = 512

// policyConfig is everything about a policy server but the Guard.
type policyConfig struct {
	blockAction string        // template for a block verdict
	warnAction  string        // template for a warn verdict
	failClosed  bool          // on internal or protocol errors answer DEFER_IF_PERMIT, not DUNNO
	idleTimeout time.Duration // how long a connection may wait for, or take to send, a request
	maxConns    int           // connections served at once; more wait in the listen backlog
	maxLine     int           // longest request line, in bytes, without its newline
	maxAttrs    int           // most attributes in one request
	logger      *slog.Logger  // decision and error log; nil discards
}

func defaultPolicyConfig() policyConfig {
	return policyConfig{
		blockAction: defaultBlockAction,
		warnAction:  defaultWarnAction,
		idleTimeout: defaultIdleTimeout,
		maxConns:    defaultMaxConns,
		maxLine:     defaultMaxLine,
		maxAttrs:    defaultMaxAttrs,
	}
}

// policyServer answers Postfix policy requests with a Guard's judgment.
// Its settings are fixed by newPolicyServer; Serve may be called on
// several listeners at once.
type policyServer struct {
	guard       *typoguard.Guard
	block, warn *actionTemplate
	fail        string // the whole fail action, "DUNNO" or "DEFER_IF_PERMIT ..."
	idleTimeout time.Duration
	maxConns    int
	maxLine     int
	maxAttrs    int
	log         *slog.Logger

	active atomic.Int64 // open connections, over all Serve calls
}

func newPolicyServer(g *typoguard.Guard, cfg policyConfig) (*policyServer, error) {
	if g == nil {
		return nil, errors.New("policy: no Guard")
	}
	block, err := parseAction("-block-action", cfg.blockAction)
	if err != nil {
		return nil, err
	}
	warn, err := parseAction("-warn-action", cfg.warnAction)
	if err != nil {
		return nil, err
	}
	switch {
	case cfg.idleTimeout <= 0:
		return nil, fmt.Errorf("-idle-timeout %v: want a positive duration", cfg.idleTimeout)
	case cfg.maxConns < 1:
		return nil, fmt.Errorf("-max-conns %d: want at least 1", cfg.maxConns)
	case cfg.maxLine < 64 || cfg.maxLine > 1<<20:
		return nil, fmt.Errorf("-max-line %d: want 64 to 1048576 bytes", cfg.maxLine)
	case cfg.maxAttrs < 1:
		return nil, fmt.Errorf("-max-attrs %d: want at least 1", cfg.maxAttrs)
	}
	s := &policyServer{
		guard:       g,
		block:       block,
		warn:        warn,
		fail:        failOpenAction,
		idleTimeout: cfg.idleTimeout,
		maxConns:    cfg.maxConns,
		maxLine:     cfg.maxLine,
		maxAttrs:    cfg.maxAttrs,
		log:         cfg.logger,
	}
	if cfg.failClosed {
		s.fail = failClosedAction
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	return s, nil
}

// Serve accepts connections on ln and serves each in its own goroutine,
// at most maxConns at once: while that many are open, Serve stops
// accepting and further clients wait in the kernel's listen backlog
// (Postfix's smtpd_policy_service_timeout bounds their wait). When ctx
// is cancelled Serve closes ln, closes idle connections, lets each busy
// one finish and answer its current request, and returns nil once every
// connection is closed. Any other error is one from Accept; Serve then
// shuts down the same way. Serve always closes ln.
func (s *policyServer) Serve(ctx context.Context, ln net.Listener) error {
	cs := &connSet{conns: make(map[*policyConn]struct{})}
	var wg sync.WaitGroup
	shutdown := func() {
		ln.Close()
		cs.shutdown()
	}
	stop := context.AfterFunc(ctx, shutdown)
	defer stop()

	sem := make(chan struct{}, s.maxConns)
	var err error
	var backoff time.Duration
accept:
	for {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			break accept
		}
		c, aerr := ln.Accept()
		if aerr != nil {
			<-sem
			switch {
			case ctx.Err() != nil:
				break accept
			case temporaryAcceptError(aerr):
				// Out of file descriptors or the like: wait and retry,
				// as net/http does.
				backoff = min(max(2*backoff, 5*time.Millisecond), time.Second)
				s.log.Warn("policy: accept", "error", aerr.Error(), "retry_in", backoff.String())
				select {
				case <-time.After(backoff):
				case <-ctx.Done():
				}
				continue
			}
			err = aerr
			break accept
		}
		backoff = 0
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			s.serveConn(cs, c)
		}()
	}
	shutdown()
	wg.Wait()
	return err
}

func temporaryAcceptError(err error) bool {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) ||
		errors.Is(err, syscall.ENOBUFS) || errors.Is(err, syscall.ENOMEM) ||
		errors.Is(err, syscall.ECONNABORTED)
}

// connSet tracks the open connections of one Serve call, so that a
// shutdown can close the idle ones at once and the busy ones after their
// current request.
type connSet struct {
	mu      sync.Mutex
	conns   map[*policyConn]struct{}
	closing bool
}

// policyConn is a connection and its state; idle and closing are guarded
// by the connSet's mutex.
type policyConn struct {
	net.Conn
	idle    bool // waiting for the first byte of a request
	closing bool // finish the current request, then close
}

func (cs *connSet) add(c net.Conn) (*policyConn, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.closing {
		return nil, false
	}
	pc := &policyConn{Conn: c}
	cs.conns[pc] = struct{}{}
	return pc, true
}

func (cs *connSet) remove(pc *policyConn) {
	cs.mu.Lock()
	delete(cs.conns, pc)
	cs.mu.Unlock()
}

// shutdown marks every connection closing and wakes the idle ones: their
// pending read fails at once.
func (cs *connSet) shutdown() {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.closing = true
	for pc := range cs.conns {
		pc.closing = true
		if pc.idle {
			pc.SetReadDeadline(time.Now())
		}
	}
}

// waitIdle marks pc idle with a read deadline of d from now; it reports
// false when pc must close instead. The deadline is set under the lock,
// so that a concurrent shutdown's deadline always wins.
func (cs *connSet) waitIdle(pc *policyConn, d time.Duration) bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if pc.closing {
		return false
	}
	pc.idle = true
	pc.SetReadDeadline(time.Now().Add(d))
	return true
}

// busy marks pc as reading a request, which it may finish even when a
// shutdown has begun: its deadline is reset to d from now.
func (cs *connSet) busy(pc *policyConn, d time.Duration) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	pc.idle = false
	pc.SetReadDeadline(time.Now().Add(d))
}

func (cs *connSet) isClosing(pc *policyConn) bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return pc.closing
}

// Protocol errors: the request cannot be framed any more, so after
// answering the fail action the connection is closed.
var (
	errLineTooLong  = errors.New("request line too long")
	errTooManyAttrs = errors.New("too many attributes in one request")
)

// policyRequest holds the attributes of one request the server uses;
// the others are read, counted and dropped.
type policyRequest struct {
	state     string // protocol_state
	recipient string
	client    string // client_address
	queueID   string // queue_id
	malformed string // the first line that is not name=value, if any
}

func (s *policyServer) serveConn(cs *connSet, c net.Conn) {
	s.active.Add(1)
	defer s.active.Add(-1)
	defer c.Close()
	pc, ok := cs.add(c)
	if !ok {
		return
	}
	defer cs.remove(pc)
	defer func() {
		// Judgments recover on their own; this is for a bug anywhere
		// else, which must cost one connection, not the server.
		if p := recover(); p != nil {
			s.log.Error("policy: internal error, connection closed", "panic", fmt.Sprint(p), "remote", c.RemoteAddr().String())
		}
	}()
	br := bufio.NewReaderSize(c, s.maxLine+len("\r\n"))
	var out []byte // the reply being written
	for {
		if !cs.waitIdle(pc, s.idleTimeout) {
			return
		}
		// The first byte of the next request: until it comes the
		// connection is idle, and a shutdown or the idle timeout ends it.
		if _, err := br.Peek(1); err != nil {
			return
		}
		cs.busy(pc, s.idleTimeout)
		req, err := s.readRequest(br)
		if err != nil {
			if errors.Is(err, errLineTooLong) || errors.Is(err, errTooManyAttrs) {
				s.log.Warn("policy: bad request, answered the fail action and closed the connection",
					"error", err.Error(), "remote", c.RemoteAddr().String(), "action", s.fail)
				if s.reply(c, &out, s.fail) == nil {
					lingerClose(c)
				}
			}
			// Otherwise the client closed or stalled mid-request:
			// nobody waits for an answer.
			return
		}
		if err := s.reply(c, &out, s.decide(&req)); err != nil {
			return
		}
		if cs.isClosing(pc) {
			lingerClose(c)
			return
		}
	}
}

// readRequest reads attribute lines up to the empty line that ends a
// request.
func (s *policyServer) readRequest(br *bufio.Reader) (policyRequest, error) {
	var req policyRequest
	for n := 0; ; n++ {
		line, err := br.ReadSlice('\n')
		switch {
		case err == bufio.ErrBufferFull:
			return req, errLineTooLong
		case err != nil:
			return req, err
		}
		line = line[:len(line)-1]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		if len(line) > s.maxLine {
			return req, errLineTooLong
		}
		if len(line) == 0 {
			return req, nil
		}
		if n >= s.maxAttrs {
			return req, errTooManyAttrs
		}
		name, value, ok := bytes.Cut(line, []byte("="))
		if !ok || len(name) == 0 {
			if req.malformed == "" {
				req.malformed = string(line)
			}
			continue
		}
		// Only the attributes used are copied out of the buffer.
		switch string(name) {
		case "protocol_state":
			req.state = string(value)
		case "recipient":
			req.recipient = string(value)
		case "client_address":
			req.client = string(value)
		case "queue_id":
			req.queueID = string(value)
		}
	}
}

// reply writes one action line and the empty line that ends a reply, in
// one write, formatted in the connection's buffer out.
func (s *policyServer) reply(c net.Conn, out *[]byte, action string) error {
	c.SetWriteDeadline(time.Now().Add(s.idleTimeout))
	*out = append(append(append((*out)[:0], "action="...), action...), "\n\n"...)
	_, err := c.Write(*out)
	return err
}

// lingerClose closes c after a last reply when the client may still be
// sending: closing a socket with unread input resets the connection,
// which can destroy the reply before the client reads it. So shut down
// the sending side, and discard input for a moment first.
func lingerClose(c net.Conn) {
	if cw, ok := c.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	c.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	io.CopyN(io.Discard, c, 256<<10)
}

// decide returns the action for one request and logs the decision.
func (s *policyServer) decide(req *policyRequest) string {
	if req.malformed != "" {
		s.log.Warn("policy: malformed request line, answered the fail action",
			"line", truncate(req.malformed, maxEcho), "client_address", req.client, "action", s.fail)
		return s.fail
	}
	if !strings.EqualFold(req.state, "RCPT") {
		return "DUNNO"
	}
	j, err := judgeRecipient(s.guard, req.recipient)
	if err != nil {
		s.log.Error("policy: internal error, answered the fail action",
			"recipient", req.recipient, "error", err.Error(), "client_address", req.client, "action", s.fail)
		return s.fail
	}
	action := "DUNNO"
	switch j.verdict {
	case typoguard.Block:
		action = s.block.render(j)
	case typoguard.Warn:
		action = s.warn.render(j)
	}
	if s.log.Enabled(context.Background(), slog.LevelInfo) {
		// Attrs, not key-value pairs, in an array: nothing is boxed.
		var buf [7]slog.Attr
		attrs := append(buf[:0],
			slog.String("recipient", req.recipient),
			slog.String("verdict", j.verdict.String()),
			slog.String("rule", j.rule),
			slog.String("suggestion", j.suggestion),
			slog.String("client_address", req.client))
		if req.queueID != "" {
			attrs = append(attrs, slog.String("queue_id", req.queueID))
		}
		attrs = append(attrs, slog.String("action", action))
		s.log.LogAttrs(context.Background(), slog.LevelInfo, "decision", attrs...)
	}
	return action
}

// judgment is the verdict on one recipient, with what a reply may show.
type judgment struct {
	verdict         typoguard.Verdict
	recipient       string // as Postfix sent it
	domain          string // its domain, normalised ASCII
	rule            string // the rule of the finding behind the suggestion
	target          string // the protected entry it resembles: "army.mil", ".mil"
	suggestion      string // the corrected address, the recipient's own local part
	suggestedDomain string
	message         string
}

// neutralLocal stands in for a local part the library cannot parse: a
// typo domain is one whatever stands before the "@", and postmaster
// exists at every domain (RFC 5321 §4.5.1).
const neutralLocal = "postmaster"

// judgeRecipient judges the recipient's domain. Postfix has already
// accepted the address's syntax and sends it in its internal, unquoted
// form ("a b@army.ml" for "\"a b\"@army.ml"), with local parts the
// library rejects (unquoted spaces, "a..b", longer than 64 octets). Such
// an address is judged as postmaster@ its domain, and the suggestion is
// mapped back onto the local part as sent: a typo domain is caught
// whatever stands before the "@", and a good domain is never refused for
// its local part. An address without a domain, or with a domain the
// library cannot use, is OK here: Postfix decides what happens to it.
// A panic inside the Guard (a user rule) is returned as an error.
func judgeRecipient(g *typoguard.Guard, rcpt string) (j judgment, err error) {
	defer func() {
		if p := recover(); p != nil {
			j, err = judgment{}, fmt.Errorf("panic while judging: %v", p)
		}
	}()
	j.recipient = rcpt
	at := strings.LastIndexByte(rcpt, '@')
	if at < 0 || at == len(rcpt)-1 {
		return j, nil
	}
	local, domain := rcpt[:at], rcpt[at+1:]
	r, cerr := g.Check(rcpt)
	// The Local check makes sure the library judged the domain Postfix
	// will deliver to, not some other reading of a strange address.
	if cerr != nil || r.Local != local {
		if r, cerr = g.Check(neutralLocal + "@" + domain); cerr != nil {
			return j, nil
		}
	}
	j.verdict, j.domain = r.Verdict, r.Domain
	if r.Verdict != typoguard.Block && r.Verdict != typoguard.Warn || len(r.Findings) == 0 {
		j.verdict = typoguard.OK
		return j, nil
	}
	f := r.Findings[0]
	for _, ff := range r.Findings {
		if r.Suggestion != "" && ff.Suggestion == r.Suggestion {
			f = ff
			break
		}
	}
	j.rule, j.target, j.message = f.Rule, f.Target, f.Message
	if r.Suggestion != "" {
		j.suggestedDomain = r.Suggestion[strings.LastIndexByte(r.Suggestion, '@')+1:]
		j.suggestion = local + "@" + j.suggestedDomain
	}
	return j, nil
}

// An actionTemplate is a Postfix action with placeholders, parsed once.
// A placeholder is {name}; {{ and }} are literal braces. Values are made safe
// for a reply line when rendered: printable ASCII only (anything else
// becomes '?', so no CR, LF or control character can reach the
// protocol) and at most maxEcho characters each.
type actionTemplate struct {
	parts []templatePart
}

type templatePart struct {
	lit   string
	field string // a placeholder name when non-empty
}

// templateFields are the placeholders of an action template.
var templateFields = map[string]func(j judgment) string{
	"recipient":        func(j judgment) string { return j.recipient },
	"suggestion":       func(j judgment) string { return cmp.Or(j.suggestion, j.target) },
	"domain":           func(j judgment) string { return j.domain },
	"suggested_domain": func(j judgment) string { return cmp.Or(j.suggestedDomain, j.target) },
	"target":           func(j judgment) string { return j.target },
	"rule":             func(j judgment) string { return j.rule },
	"message":          func(j judgment) string { return j.message },
}

// postfixActions are the upper-case actions of access(5) a policy server
// may return.
var postfixActions = map[string]bool{
	"OK": true, "REJECT": true, "DEFER": true, "DEFER_IF_REJECT": true,
	"DEFER_IF_PERMIT": true, "BCC": true, "DISCARD": true, "DUNNO": true,
	"FILTER": true, "HOLD": true, "PREPEND": true, "REDIRECT": true,
	"INFO": true, "WARN": true,
}

// parseAction parses and checks an action template: one line of
// printable ASCII starting with a Postfix action (an upper-case access(5)
// action, a 4xx or 5xx code, or a lower-case restriction or restriction
// class name), placeholders all known.
func parseAction(flagName, s string) (*actionTemplate, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s %q: %s", flagName, s, fmt.Sprintf(format, args...))
	}
	if len(s) > maxTemplate {
		return nil, bad("longer than %d bytes", maxTemplate)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e {
			return nil, bad("only printable ASCII is allowed (byte %#02x at %d)", c, i)
		}
	}
	if strings.Contains(s, "%s") {
		return nil, bad("use named placeholders such as {recipient} and {suggestion}, not %%s")
	}
	word, _, _ := strings.Cut(strings.TrimSpace(s), " ")
	if !validActionWord(word) {
		return nil, bad("%q is not a Postfix action (want REJECT, DEFER_IF_PERMIT, WARN, PREPEND, HOLD, 4xx/5xx, …)", word)
	}
	t := &actionTemplate{}
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "{{"), strings.HasPrefix(s[i:], "}}"):
			lit.WriteByte(s[i])
			i++
		case s[i] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return nil, bad("unclosed '{' (write {{ for a literal brace)")
			}
			name := s[i+1 : i+end]
			if _, ok := templateFields[name]; !ok {
				return nil, bad("unknown placeholder {%s} (want one of %s)", name, strings.Join(templateFieldNames(), ", "))
			}
			if lit.Len() > 0 {
				t.parts = append(t.parts, templatePart{lit: lit.String()})
				lit.Reset()
			}
			t.parts = append(t.parts, templatePart{field: name})
			i += end
		default:
			lit.WriteByte(s[i])
		}
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, templatePart{lit: lit.String()})
	}
	return t, nil
}

func templateFieldNames() []string {
	return []string{"{recipient}", "{suggestion}", "{domain}", "{suggested_domain}", "{target}", "{rule}", "{message}"}
}

func validActionWord(w string) bool {
	if postfixActions[w] {
		return true
	}
	if len(w) == 3 && (w[0] == '4' || w[0] == '5') && isDigits(w) {
		return true
	}
	if w == "" || !('a' <= w[0] && w[0] <= 'z') {
		return false
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// render fills the template in. The result is one line of printable
// ASCII.
func (t *actionTemplate) render(j judgment) string {
	var b strings.Builder
	for _, p := range t.parts {
		if p.field == "" {
			b.WriteString(p.lit)
			continue
		}
		b.WriteString(replyText(templateFields[p.field](j), maxEcho))
	}
	return b.String()
}

// replyText makes s safe inside a reply line: each rune that is not
// printable ASCII (CR, LF, other control characters, DEL, non-ASCII
// letters, invalid UTF-8) becomes '?', and a result longer than max
// characters is cut to max, its last three "...".
func replyText(s string, max int) string {
	b := make([]byte, 0, min(len(s), max+1))
	for _, r := range s {
		if len(b) > max {
			break
		}
		if r < 0x20 || r > 0x7e {
			r = '?'
		}
		b = append(b, byte(r))
	}
	if len(b) > max {
		b = append(b[:max-3], "..."...)
	}
	return string(b)
}

// truncate bounds a value logged from a hostile client.
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}

// listenPolicy opens the -listen address: host:port for TCP, or
// unix:/path for a Unix socket. A stale socket file (one nobody listens
// on) is removed first; a live one, or any other kind of file, is an
// error. The socket file is removed again when the listener closes.
func listenPolicy(addr string, mode os.FileMode) (net.Listener, error) {
	path, ok := strings.CutPrefix(addr, "unix:")
	if !ok {
		return net.Listen("tcp", addr)
	}
	if path == "" {
		return nil, errors.New("-listen unix: needs a path")
	}
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != os.ModeSocket {
			return nil, fmt.Errorf("-listen %s: the file exists and is not a socket", addr)
		}
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("-listen %s: another server is listening there", addr)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("-listen %s: removing the stale socket: %w", addr, err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(true)
	if err := os.Chmod(path, mode); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// runPolicy runs the policy server until SIGTERM or SIGINT. A second
// signal during the graceful shutdown ends the process at once.
func runPolicy(args []string, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	context.AfterFunc(ctx, stop)
	return servePolicy(ctx, args, stderr, nil)
}

// servePolicy is runPolicy with the context given: it parses the flags,
// listens, reports the address to ready (when not nil) and serves until
// ctx is cancelled.
func servePolicy(ctx context.Context, args []string, stderr io.Writer, ready func(net.Addr)) error {
	fs := flag.NewFlagSet("policy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var pf protectFlags
	pf.register(fs)
	cfg := defaultPolicyConfig()
	listen := fs.String("listen", defaultPolicyListen, "listen on `ADDRESS`: host:port, or unix:/path/to/socket")
	fs.StringVar(&cfg.blockAction, "block-action", defaultBlockAction, "Postfix action `template` for a block verdict")
	fs.StringVar(&cfg.warnAction, "warn-action", defaultWarnAction, "Postfix action `template` for a warn verdict")
	fail := fs.String("fail", "open", "on an internal error or a bad request answer `open` (DUNNO) or closed ("+failClosedAction+")")
	fs.DurationVar(&cfg.idleTimeout, "idle-timeout", defaultIdleTimeout, "close a connection idle this `long`; also the time limit to send one request")
	fs.IntVar(&cfg.maxConns, "max-conns", defaultMaxConns, "serve at most `N` connections at once; more wait to be accepted")
	fs.IntVar(&cfg.maxLine, "max-line", defaultMaxLine, "longest request line in `bytes`")
	fs.IntVar(&cfg.maxAttrs, "max-attrs", defaultMaxAttrs, "most attributes in one `request`")
	logFormat := fs.String("log", "text", "decision log on standard error: `text` or json")
	logDelay := fs.Duration("log-delay", defaultLogDelay, "write decision log lines at most this `long` after they are logged, in batches; 0 writes each at once")
	socketMode := fs.String("socket-mode", fmt.Sprintf("%04o", defaultSocketMode), "permissions of a unix: socket, `octal`")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: typoguard policy [flags]

Serves the Postfix SMTPD policy delegation protocol (check_policy_service):
each recipient at protocol_state=RCPT is judged; a block verdict answers
-block-action, a warn verdict -warn-action, anything else DUNNO. See
docs/postfix.md for the Postfix configuration.

An action template is a Postfix action (REJECT, DEFER_IF_PERMIT, WARN,
PREPEND, HOLD, 4xx/5xx, ...) with placeholders, replaced by printable
ASCII only (anything else becomes '?'), at most 200 characters each:
%s ({{ and }} are literal braces).

A request with a line longer than -max-line or more than -max-attrs
attributes is answered with the -fail action and the connection closed.
SIGTERM or SIGINT: stop accepting, answer the requests in progress, exit 0.

%s
Flags:
`, strings.Join(templateFieldNames(), " "), defaultSetHelp())
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	usageErr := func(err error) error {
		fmt.Fprintln(stderr, "typoguard: policy:", err)
		return errUsage
	}
	if fs.NArg() > 0 {
		return usageErr(fmt.Errorf("unexpected arguments %q", fs.Args()))
	}
	switch *fail {
	case "open":
	case "closed":
		cfg.failClosed = true
	default:
		return usageErr(fmt.Errorf("-fail %q: want open or closed", *fail))
	}
	if *logDelay < 0 {
		return usageErr(fmt.Errorf("-log-delay %v: want 0 or more", *logDelay))
	}
	lw := newLogWriter(stderr, *logDelay, logBatchSize)
	defer lw.Flush()
	switch *logFormat {
	case "text":
		cfg.logger = slog.New(slog.NewTextHandler(lw, nil))
	case "json":
		cfg.logger = slog.New(slog.NewJSONHandler(lw, nil))
	default:
		return usageErr(fmt.Errorf("-log %q: want text or json", *logFormat))
	}
	mode, err := strconv.ParseUint(*socketMode, 8, 32)
	if err != nil || mode > 0o777 {
		return usageErr(fmt.Errorf("-socket-mode %q: want octal permissions such as 0660", *socketMode))
	}
	g, err := pf.guard()
	if err != nil {
		return err
	}
	s, err := newPolicyServer(g, cfg)
	if err != nil {
		return usageErr(err)
	}
	ln, err := listenPolicy(*listen, os.FileMode(mode))
	if err != nil {
		return err
	}
	cfg.logger.Info("policy: listening", "address", ln.Addr().String(), "fail", *fail)
	lw.Flush() // the start is news at once
	if ready != nil {
		ready(ln.Addr())
	}
	if err := s.Serve(ctx, ln); err != nil {
		return err
	}
	cfg.logger.Info("policy: stopped")
	return nil
}
