package typoguard

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every error returned by a [Guard] wraps one of them,
// so callers can branch with [errors.Is].
var (
	// ErrInvalidAddress reports an input that is not an RFC 5322 address:
	// no '@', an empty local part or domain, bad quoting, control characters.
	ErrInvalidAddress = errors.New("invalid address")
	// ErrInvalidDomain reports a domain that fails IDNA (UTS #46) processing:
	// empty labels, disallowed characters, punycode that does not decode.
	ErrInvalidDomain = errors.New("invalid domain")
	// ErrTooLong reports an address beyond the RFC 5321 limits: 64 octets
	// for the local part, 255 for the domain, 254 for the whole address.
	ErrTooLong = errors.New("address too long")
	// ErrInvalidConfig reports a configuration [New] cannot use.
	ErrInvalidConfig = errors.New("invalid configuration")
)

// Error describes an input or configuration typoguard could not process.
// It is modelled on [net/url.Error].
type Error struct {
	Op    string // the operation: "check", "parse", "normalize", "new"
	Input string // the offending input, as given (truncated to 256 bytes)
	Err   error  // a sentinel, possibly wrapping a lower-level cause
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Input == "" {
		return "typoguard: " + e.Op + ": " + e.Err.Error()
	}
	return "typoguard: " + e.Op + " " + strconv.Quote(e.Input) + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// maxQuoted bounds how much of a hostile input an error message repeats.
const maxQuoted = 256

func newError(op, input string, err error) *Error {
	if len(input) > maxQuoted {
		input = input[:maxQuoted] + "…"
	}
	return &Error{Op: op, Input: input, Err: err}
}

// causeError joins a sentinel with a lower-level cause, so that errors.Is
// matches the sentinel and the message keeps the detail.
type causeError struct {
	sentinel error
	detail   string
	cause    error
}

func (e *causeError) Error() string {
	s := e.sentinel.Error()
	if e.detail != "" {
		s += ": " + e.detail
	}
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

func (e *causeError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.sentinel}
	}
	return []error{e.sentinel, e.cause}
}

func wrap(sentinel error, detail string, cause error) error {
	return &causeError{sentinel: sentinel, detail: detail, cause: cause}
}
