package report

import (
	"fmt"
	"io"

	"github.com/mattn/go-isatty"
	"golang.org/x/term"
)

// Colour modes of --color.
const (
	ColorAuto   = "auto"
	ColorAlways = "always"
	ColorNever  = "never"
)

// UseColor decides whether the table is coloured: always and never say
// so; auto colours a terminal unless NO_COLOR is set (to any value, even
// empty). An explicit always wins over NO_COLOR. lookupEnv may be nil (no
// environment).
func UseColor(mode string, terminal bool, lookupEnv func(string) (string, bool)) (bool, error) {
	switch mode {
	case ColorAlways:
		return true, nil
	case ColorNever:
		return false, nil
	case ColorAuto, "":
		if lookupEnv != nil {
			if _, set := lookupEnv("NO_COLOR"); set {
				return false, nil
			}
		}
		return terminal, nil
	}
	return false, fmt.Errorf("invalid --color %q: want auto, always or never", mode)
}

// Terminal reports whether w is a terminal and, if its size is known, its
// width in columns (0 otherwise).
func Terminal(w io.Writer) (terminal bool, width int) {
	f, ok := w.(interface{ Fd() uintptr })
	if !ok {
		return false, 0
	}
	fd := f.Fd()
	if !isatty.IsTerminal(fd) && !isatty.IsCygwinTerminal(fd) {
		return false, 0
	}
	if wd, _, err := term.GetSize(int(fd)); err == nil && wd > 0 {
		width = wd
	}
	return true, width
}
