package main

import (
	"bytes"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openPTY opens a pseudo-terminal pair: what run writes to the terminal
// (tty) can be read from the controller (ptm).
func openPTY(t *testing.T) (ptm, tty *os.File) {
	t.Helper()
	ptm, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptm.Close() })
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ptm.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("unlockpt: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, ptm.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("ptsname: %v", e)
	}
	tty, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open terminal: %v", err)
	}
	t.Cleanup(func() { tty.Close() })
	return ptm, tty
}

// TestColorOnTerminal checks -color auto against a real terminal: colour
// on, unless NO_COLOR is set or -color never is given.
func TestColorOnTerminal(t *testing.T) {
	cases := []struct {
		name    string
		noColor string
		color   string
		want    bool
	}{
		{"auto", "", "auto", true},
		{"auto with NO_COLOR", "1", "auto", false},
		{"never", "", "never", false},
		{"always with NO_COLOR", "1", "always", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("NO_COLOR", tc.noColor)
			ptm, tty := openPTY(t)
			var errb bytes.Buffer
			code := run([]string{"check", "-color", tc.color, "-protect", "army.mil,.mil", "john.doe@army.ml", "john.doe@army.mil"},
				strings.NewReader(""), tty, &errb)
			assert.Equal(t, exitFlagged, code)
			assert.Empty(t, errb.String())
			tty.Close() // the reader then sees the end of the output
			out, err := io.ReadAll(ptm)
			if len(out) == 0 {
				require.NoError(t, err)
			}
			got := string(out) // the terminal turns \n into \r\n
			assert.Contains(t, got, "john.doe@army.ml: did you mean john.doe@army.mil?")
			if tc.want {
				assert.Contains(t, got, "\x1b[31mblock  \x1b[0m john.doe@army.ml")
				assert.Contains(t, got, "\x1b[32mok     \x1b[0m john.doe@army.mil")
			} else {
				assert.NotContains(t, got, "\x1b")
			}
		})
	}
}
