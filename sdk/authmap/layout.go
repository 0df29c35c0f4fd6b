package authmap

import (
	"encoding/json"
	"strings"
)

// layout is the text Parse read, one section per key, so that Data can write
// unchanged entries back byte-for-byte.
type layout struct {
	sections [3]*section
}

func (l *layout) section(k int) *section {
	if l == nil {
		return nil
	}
	return l.sections[k]
}

type style int

const (
	// styleOpaque: the items' texts are unknown (empty value, anchors, odd
	// YAML); a changed list is rendered afresh.
	styleOpaque style = iota
	// styleBlock: "- a\n- b\n"; items are runs of whole lines.
	styleBlock
	// styleFlow: "[a, b]" (JSON included); items are spans between commas.
	styleFlow
)

// section is one key's original text cut into items.
type section struct {
	original string
	items    []item
	style    style
	// indent is the column of the block sequence's dashes.
	indent int
	// prefix precedes the first item, suffix follows the last (flow only:
	// in block style the last item runs to the end), sep is the first
	// separator between two flow items.
	prefix, suffix, sep string
	// proven is true when the cut is right by construction (see split), so
	// that texts assembled from it need not be read back whole.
	proven bool
}

// split finds each item's text and proves the cut. A block list is cut at
// the lines whose first character is a dash at the sequence's column: every
// top-level item starts on such a line, so the cut can only be wrong by
// having too many pieces, and the count settles it. A JSON list is cut
// exactly by the scanner. Anything else (anchors and aliases, which tie
// items together; hand-written flow YAML) is proven the slow way: every item
// read alone must decode to what the whole value decoded to. Unproven, the
// section stays opaque.
func (s *section) split(kd kind) {
	if len(s.items) == 0 {
		return
	}
	var texts []string
	switch start := firstContent(s.original); {
	case start < 0:
		return
	case s.original[start] == '[':
		texts = s.splitFlow(start)
	case s.original[start] == '-':
		texts = s.splitBlock(start)
	}
	if len(texts) != len(s.items) {
		s.reset()
		return
	}
	s.proven = (s.style == styleBlock && !strings.ContainsAny(s.original, "&*")) ||
		(s.style == styleFlow && json.Valid([]byte(s.original)))
	for i, t := range texts {
		if !s.proven && !decodesAs(kd, s.style, t, s.items[i]) {
			s.reset()
			return
		}
		s.items[i].text = t
	}
}

// decodesAs reports whether an item's text read alone is the item.
func decodesAs(kd kind, st style, text string, want item) bool {
	if st == styleFlow {
		text = "[" + text + "]"
	}
	got, errs := kd.decode(text)
	return len(errs) == 0 && len(got) == 1 && got[0].sameValue(want)
}

func (s *section) reset() {
	s.style, s.prefix, s.suffix, s.sep, s.indent, s.proven = styleOpaque, "", "", "", 0, false
	for i := range s.items {
		s.items[i].text = ""
	}
}

// firstContent is the offset of the first character that is not blank, a
// comment, or a document marker/directive line; -1 if none.
func firstContent(text string) int {
	off := 0
	for _, line := range strings.SplitAfter(text, "\n") {
		t := strings.TrimLeft(line, " \t")
		body := strings.TrimRight(t, "\r\n")
		switch {
		case body == "" || strings.HasPrefix(body, "#") || strings.HasPrefix(body, "%"):
		case body == "---" || strings.HasPrefix(body, "--- "):
		default:
			return off + len(line) - len(t)
		}
		off += len(line)
	}
	return -1
}

// isDashLine reports whether line starts a block sequence item at indent.
func isDashLine(line string, indent int) bool {
	if len(line) <= indent || strings.TrimLeft(line[:indent], " ") != "" || line[indent] != '-' {
		return false
	}
	return len(line) == indent+1 || strings.ContainsRune(" \t\r\n", rune(line[indent+1]))
}

func (s *section) splitBlock(start int) []string {
	lineStart := strings.LastIndexByte(s.original[:start], '\n') + 1
	indent := start - lineStart
	if first, _, _ := strings.Cut(s.original[lineStart:], "\n"); !isDashLine(first+"\n", indent) {
		return nil // "-x" is a scalar, not a list
	}
	var texts []string
	cur := -1
	off := lineStart
	for _, line := range strings.SplitAfter(s.original[lineStart:], "\n") {
		if isDashLine(line, indent) {
			if cur >= 0 {
				texts = append(texts, s.original[cur:off])
			}
			cur = off
		}
		off += len(line)
	}
	if cur < 0 {
		return nil
	}
	texts = append(texts, s.original[cur:])
	s.style, s.indent, s.prefix = styleBlock, indent, s.original[:lineStart]
	return texts
}

// splitFlow cuts "[a, b]" at the top-level commas, skipping quoted strings,
// nested collections and comments.
func (s *section) splitFlow(open int) []string {
	text := s.original
	var texts []string
	depth := 0
	itemStart, lastSig := -1, -1
	prev := byte('[') // previous significant character
	flush := func() {
		if itemStart >= 0 {
			texts = append(texts, text[itemStart:lastSig+1])
		}
		itemStart = -1
	}
	var seps []string
	sepStart := open + 1
	for i := open; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '#' && (i == 0 || strings.ContainsRune(" \t\r\n", rune(text[i-1]))):
			for i < len(text) && text[i] != '\n' {
				i++
			}
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			continue
		case (c == '"' || c == '\'') && strings.IndexByte("[{,:", prev) >= 0:
			if depth == 1 && itemStart < 0 {
				itemStart = i
				seps = append(seps, text[sepStart:i])
			}
			i = skipQuoted(text, i)
			if i >= len(text) {
				return nil
			}
		case c == '[' || c == '{':
			if depth == 1 && itemStart < 0 {
				itemStart = i
				seps = append(seps, text[sepStart:i])
			}
			depth++
		case c == ']' || c == '}':
			depth--
			if depth == 0 {
				flush()
				if len(seps) == 0 {
					return nil
				}
				s.style, s.prefix, s.suffix, s.sep = styleFlow, text[:open+1]+seps[0], text[lastSig+1:], ","
				if len(seps) > 1 {
					s.sep = seps[1]
				}
				return texts
			}
		case c == ',' && depth == 1:
			flush()
			sepStart = lastSig + 1
		default:
			if depth == 1 && itemStart < 0 {
				itemStart = i
				seps = append(seps, text[sepStart:i])
			}
		}
		lastSig, prev = i, text[i]
	}
	return nil
}

// skipQuoted returns the index of the quote closing the string opened at i.
func skipQuoted(text string, i int) int {
	q := text[i]
	for i++; i < len(text); i++ {
		switch {
		case q == '"' && text[i] == '\\':
			i++
		case text[i] == q && q == '\'' && i+1 < len(text) && text[i+1] == '\'':
			i++
		case text[i] == q:
			return i
		}
	}
	return i
}
