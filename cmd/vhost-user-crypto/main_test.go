package main

import (
	"bytes"
	"flag"
	"strings"
	"testing"

	"vcrypto/internal/daemon"
)

// TestHelpMentionsEveryFlag keeps --help and the flag set from drifting
// apart: every flag the daemon defines is in the OPTIONS section (as
// PrintDefaults writes it) and in the SYNOPSIS (as --name), and the
// manual has every section a man page reader looks for.
func TestHelpMentionsEveryFlag(t *testing.T) {
	var c daemon.Config
	var level string
	fs := newFlags(&c, &level)
	var b bytes.Buffer
	usage(&b, fs)
	help := b.String()
	synopsis, _, ok := strings.Cut(help, "\nDESCRIPTION\n")
	if !ok {
		t.Fatal("no DESCRIPTION section")
	}
	_, options, ok := strings.Cut(help, "\nOPTIONS\n")
	if !ok {
		t.Fatal("no OPTIONS section")
	}
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		if !strings.Contains(options, "  -"+f.Name+" ") && !strings.Contains(options, "  -"+f.Name+"\n") {
			t.Errorf("OPTIONS does not describe -%s", f.Name)
		}
		if !strings.Contains(synopsis, "--"+f.Name+" ") && !strings.Contains(synopsis, "--"+f.Name+"]") {
			t.Errorf("SYNOPSIS does not show --%s", f.Name)
		}
	})
	if n < 9 {
		t.Fatalf("only %d flags visited", n)
	}
	for _, sec := range []string{"NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "SUBCOMMANDS", "EXAMPLES", "METRICS", "SIGNALS", "EXIT STATUS", "FILES"} {
		if !strings.HasPrefix(help, sec+"\n") && !strings.Contains(help, "\n"+sec+"\n") {
			t.Errorf("no %s section", sec)
		}
	}
	// The METRICS section names every metric the daemon adds.
	for _, m := range []string{daemon.MetricSessions, daemon.MetricFrontends, daemon.MetricFrontendsTotal, daemon.MetricMaxSessions, daemon.MetricDataQueues,
		"vcrypto_requests_total", "vcrypto_request_bytes_total", "vcrypto_request_duration_seconds", "vcrypto_session_operations_total", "vcrypto_build_info"} {
		if !strings.Contains(help, m) {
			t.Errorf("METRICS does not mention %s", m)
		}
	}
}

func TestSocketModeFlag(t *testing.T) {
	var c daemon.Config
	var level string
	fs := newFlags(&c, &level)
	fs.Init("x", flag.ContinueOnError)
	fs.SetOutput(new(bytes.Buffer))
	if err := fs.Parse([]string{"--socket-mode", "0660"}); err != nil || c.SocketMode != 0o660 {
		t.Fatalf("0660: %v, mode %#o", err, c.SocketMode)
	}
	if err := fs.Parse([]string{"--socket-mode", "rw"}); err == nil {
		t.Fatal("non-octal mode accepted")
	}
}
