//! Bounds checked on raw text before a parser that would take too long on it sees it: the flow
//! nesting of YAML or JSON (the YAML parser's time grows with the square of it), and the shape
//! of overlay JSONPath targets (the JSONPath parser's time grows by a factor per nested filter,
//! and each descendant segment multiplies what a query visits).

/// The byte offset where the flow nesting (`[` and `{`) of `text` first goes beyond `limit`, or
/// `None`. `json`: the whole text is flow content (JSON); otherwise it is YAML, where a bracket
/// opens a collection only where a node starts (after indentation, `- `, `? `, `key: `, an
/// anchor or a tag) or inside a flow collection, and quoted scalars, comments and block
/// scalars (`|`, `>`) are skipped. The scan is linear and errs towards seeing less nesting
/// than there is: the parsers keep their own depth limit as a backstop.
pub fn flow_depth_exceeded(text: &str, json: bool, limit: usize) -> Option<usize> {
    Scanner {
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
        limit,
    }
    .run(json)
}

struct Scanner<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
    limit: usize,
}

/// What a scan step found.
enum Stop {
    /// The nesting limit, at this offset.
    Exceeded(usize),
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn run(mut self, json: bool) -> Option<usize> {
        let result = if json { self.flow(true) } else { self.block() };
        match result {
            Ok(()) => None,
            Err(Stop::Exceeded(at)) => Some(at),
        }
    }

    /// Flow content until the nesting returns to zero (or, for JSON, the end of the text).
    fn flow(&mut self, json: bool) -> Result<(), Stop> {
        // Whether the last significant byte lets a quoted scalar start here.
        let mut scalar_start = true;
        while let Some(b) = self.peek() {
            match b {
                b'[' | b'{' => {
                    self.depth += 1;
                    if self.depth > self.limit {
                        return Err(Stop::Exceeded(self.pos));
                    }
                    self.pos += 1;
                    scalar_start = true;
                }
                b']' | b'}' => {
                    self.depth = self.depth.saturating_sub(1);
                    self.pos += 1;
                    if self.depth == 0 && !json {
                        return Ok(());
                    }
                    scalar_start = false;
                }
                b'"' => {
                    self.double_quoted();
                    scalar_start = false;
                }
                b'\'' if !json && scalar_start => {
                    self.single_quoted();
                    scalar_start = false;
                }
                b'#' if !json && self.after_space() => self.skip_line(),
                b',' | b':' => {
                    self.pos += 1;
                    scalar_start = true;
                }
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                _ => {
                    self.pos += 1;
                    scalar_start = false;
                }
            }
        }
        Ok(())
    }

    fn after_space(&self) -> bool {
        self.pos == 0 || matches!(self.bytes[self.pos - 1], b' ' | b'\t' | b'\n' | b'\r')
    }

    fn double_quoted(&mut self) {
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'"' => return,
                _ => {}
            }
        }
    }

    fn single_quoted(&mut self) {
        self.pos += 1;
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'\'' {
                if self.peek() == Some(b'\'') {
                    self.pos += 1;
                } else {
                    return;
                }
            }
        }
    }

    fn skip_line(&mut self) {
        while let Some(b) = self.peek() {
            self.pos += 1;
            if b == b'\n' {
                return;
            }
        }
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// YAML block content, line by line.
    fn block(&mut self) -> Result<(), Stop> {
        // The indentation above which lines belong to a block scalar being skipped.
        let mut block_scalar: Option<usize> = None;
        while self.pos < self.bytes.len() {
            let line_start = self.pos;
            self.skip_spaces();
            let indent = self.pos - line_start;
            let blank = matches!(self.peek(), None | Some(b'\n' | b'\r'));
            if let Some(parent) = block_scalar {
                if blank || indent > parent {
                    self.skip_line();
                    continue;
                }
                block_scalar = None;
            }
            if self.line(indent, &mut block_scalar)? {
                continue;
            }
            self.skip_line();
        }
        Ok(())
    }

    /// The node starts of one block line. `Ok(true)` when the scan already moved past the line
    /// (a flow collection or a quoted scalar went on to later lines).
    fn line(&mut self, indent: usize, block_scalar: &mut Option<usize>) -> Result<bool, Stop> {
        loop {
            self.skip_spaces();
            let Some(b) = self.peek() else {
                return Ok(true);
            };
            let next = self.bytes.get(self.pos + 1).copied();
            let indicator_then_space = matches!(next, None | Some(b' ' | b'\t' | b'\n' | b'\r'));
            match b {
                b'\n' | b'\r' | b'#' => return Ok(false),
                b'-' | b'?' | b':' if indicator_then_space => self.pos += 1,
                b'&' | b'!' => {
                    while !matches!(self.peek(), None | Some(b' ' | b'\t' | b'\n' | b'\r')) {
                        self.pos += 1;
                    }
                }
                b'[' | b'{' => {
                    let line = self.line_of(self.pos);
                    self.flow(false)?;
                    if self.line_of(self.pos) != line {
                        return Ok(true);
                    }
                    if !self.value_after_key() {
                        return Ok(false);
                    }
                }
                b'"' | b'\'' => {
                    let line = self.line_of(self.pos);
                    if b == b'"' {
                        self.double_quoted();
                    } else {
                        self.single_quoted();
                    }
                    if self.line_of(self.pos) != line {
                        return Ok(true);
                    }
                    if !self.value_after_key() {
                        return Ok(false);
                    }
                }
                b'|' | b'>' => {
                    *block_scalar = Some(indent);
                    return Ok(false);
                }
                _ => {
                    // A plain scalar: a key when `: ` follows on this line, else the line's end.
                    if !self.value_after_key() {
                        return Ok(false);
                    }
                }
            }
        }
    }

    /// Moves past `: ` on the current line (outside quotes); false when there is none.
    fn value_after_key(&mut self) -> bool {
        while let Some(b) = self.peek() {
            match b {
                b'\n' | b'\r' => return false,
                b'#' if self.after_space() => return false,
                b':' if matches!(
                    self.bytes.get(self.pos + 1),
                    None | Some(b' ' | b'\t' | b'\n' | b'\r')
                ) =>
                {
                    self.pos += 1;
                    return true;
                }
                _ => self.pos += 1,
            }
        }
        false
    }

    /// A cheap identity for "the same line": the offset of the line's end.
    fn line_of(&self, at: usize) -> usize {
        self.bytes[at.min(self.bytes.len())..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(self.bytes.len(), |p| at + p)
    }
}

/// Longest overlay target accepted, in characters.
pub const MAX_TARGET_CHARS: usize = 1024;
/// Deepest nesting of filter selectors (`[?...]` inside `[?...]`) in an overlay target.
pub const MAX_FILTER_NESTING: usize = 4;
/// Most descendant segments (`..`) in an overlay target: each multiplies the nodes visited.
pub const MAX_DESCENDANT_SEGMENTS: usize = 3;

/// What makes an overlay target too costly to parse or evaluate, or `None`.
pub fn jsonpath_cost(target: &str) -> Option<String> {
    let chars = target.chars().count();
    if chars > MAX_TARGET_CHARS {
        return Some(format!(
            "the target is {chars} characters long, more than the limit of {MAX_TARGET_CHARS}"
        ));
    }
    let bytes = target.as_bytes();
    // Open brackets, and whether each opened a filter.
    let mut brackets: Vec<bool> = Vec::new();
    let mut deepest = 0;
    let mut descendants = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'\'' | b'"') => {
                i += 1;
                while i < bytes.len() && bytes[i] != quote {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'[' => {
                let rest = target[i + 1..].trim_start();
                brackets.push(rest.starts_with('?'));
                deepest = deepest.max(brackets.iter().filter(|f| **f).count());
            }
            b']' => {
                brackets.pop();
            }
            b'.' if bytes.get(i + 1) == Some(&b'.') => {
                descendants += 1;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    if deepest > MAX_FILTER_NESTING {
        return Some(format!(
            "the target nests {deepest} filters (`[?...]`) inside each other, more than the limit of {MAX_FILTER_NESTING}"
        ));
    }
    if descendants > MAX_DESCENDANT_SEGMENTS {
        return Some(format!(
            "the target has {descendants} descendant segments (`..`), more than the limit of {MAX_DESCENDANT_SEGMENTS}"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(n: usize) -> String {
        format!("a: {}1{}\n", "{a: ".repeat(n), "}".repeat(n))
    }

    #[test]
    fn deep_flow_nesting_is_found_at_the_bracket_that_exceeds() {
        let text = nested(200);
        let at = flow_depth_exceeded(&text, false, 128).expect("too deep");
        assert_eq!(at, 3 + 128 * 4, "the 129th `{{`");
        assert_eq!(flow_depth_exceeded(&nested(100), false, 128), None);
        let json = format!("{}1{}", "[".repeat(129), "]".repeat(129));
        assert_eq!(flow_depth_exceeded(&json, true, 128), Some(128));
        assert_eq!(
            flow_depth_exceeded(&format!("[{}]", "\"[[[[\",".repeat(200)), true, 2),
            None,
            "brackets in strings do not count"
        );
    }

    #[test]
    fn yaml_text_with_brackets_that_open_nothing_is_not_deep() {
        let many = "[".repeat(300);
        let yaml = format!(
            "pattern: ^[a-z]{{3}}{many}\nd: |\n  {many}\n  more\nq: '{many}'\n\"k{many}\": \"{many}\"\n# {many}\ns: x # {many}\nl:\n  - {{a: [1, {{b: '{many}'}}]}}\n  - \"{many}\"\n"
        );
        assert_eq!(flow_depth_exceeded(&yaml, false, 8), None);
        let deep_in_sequence = format!("l:\n  - &x !t {}\n", "[".repeat(9));
        assert_eq!(flow_depth_exceeded(&deep_in_sequence, false, 8), Some(21));
    }

    #[test]
    fn costly_jsonpath_targets_are_named() {
        let nested = format!("$[?{}@.a{}]", "@[?".repeat(19), "]".repeat(19));
        let reason = jsonpath_cost(&nested).expect("too deep");
        assert!(reason.contains("nests 20 filters"), "{reason}");
        assert_eq!(
            jsonpath_cost("$.paths[?@.get][?@.operationId == 'a[?']"),
            None
        );
        assert!(
            jsonpath_cost("$..a..b..c..d")
                .unwrap()
                .contains("4 descendant segments")
        );
        assert!(
            jsonpath_cost(&"$.a".repeat(400))
                .unwrap()
                .contains("1200 characters")
        );
    }
}
