//! A small regular-expression matcher for RabbitMQ policy patterns in the web build, where
//! `regex-lite` would cost ~23 KB gzip. Native builds use `regex-lite`; a native test checks that
//! both agree on every pattern this one accepts.
//!
//! Supported: literals, `.`, `^`, `$`, escapes (`\.`, `\d`, `\w`, `\s` and their negations),
//! classes `[a-z0-9_]` / `[^…]`, groups `(…)` / `(?:…)`, alternation `|`, quantifiers `*`, `+`,
//! `?`, `{n}`, `{n,}`, `{n,m}` (lazy forms too: laziness does not change whether a name
//! matches). Anything else is refused with a reason, and the importer then skips the policy
//! with a warning. Matching is unanchored search, as `re:run` in RabbitMQ; it works on sets of
//! positions (bitmaps), so its cost is polynomial in the (≤ 255-byte) name whatever the pattern.
//! Must not import: web crates or `ui`.

#[derive(Debug, Clone, PartialEq, Eq)]
enum Node {
    Char(char),
    Any,
    Class(bool, Vec<(char, char)>),
    Start,
    End,
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat(Box<Node>, u32, Option<u32>),
}

/// A compiled pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern(Node);

const MAX_REPEAT: u32 = 1000;
const MAX_DEPTH: usize = 32;

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
    depth: usize,
}

fn class_of(c: char) -> Option<(bool, Vec<(char, char)>)> {
    let digit = vec![('0', '9')];
    let word = vec![('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
    let space = vec![('\t', '\r'), (' ', ' ')];
    match c {
        'd' => Some((false, digit)),
        'D' => Some((true, digit)),
        'w' => Some((false, word)),
        'W' => Some((true, word)),
        's' => Some((false, space)),
        'S' => Some((true, space)),
        _ => None,
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.at += 1;
        c
    }

    fn alt(&mut self) -> Result<Node, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err("nested too deeply".into());
        }
        let mut options = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.at += 1;
            options.push(self.concat()?);
        }
        self.depth -= 1;
        Ok(if options.len() == 1 {
            options.pop().unwrap_or(Node::Concat(Vec::new()))
        } else {
            Node::Alt(options)
        })
    }

    fn concat(&mut self) -> Result<Node, String> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.quantified(atom)?);
        }
        Ok(Node::Concat(items))
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.at;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.at += 1;
        }
        let text: String = self.chars.get(start..self.at)?.iter().collect();
        text.parse().ok()
    }

    fn quantified(&mut self, atom: Node) -> Result<Node, String> {
        let (min, max) = match self.peek() {
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('?') => (0, Some(1)),
            Some('{') => {
                self.at += 1;
                let min = self.number().ok_or("a count after {")?;
                let max = if self.peek() == Some(',') {
                    self.at += 1;
                    if self.peek() == Some('}') {
                        None
                    } else {
                        Some(self.number().ok_or("a count after ,")?)
                    }
                } else {
                    Some(min)
                };
                if self.peek() != Some('}') {
                    return Err("an unclosed {".into());
                }
                if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT || m < min) {
                    return Err("a repetition count out of range".into());
                }
                (min, max)
            }
            _ => return Ok(atom),
        };
        self.at += 1;
        if matches!(atom, Node::Start | Node::End) {
            return Err("a repeated anchor".into());
        }
        if self.peek() == Some('?') {
            self.at += 1;
        }
        if matches!(self.peek(), Some('*' | '+' | '?' | '{')) {
            return Err("a repeated quantifier".into());
        }
        Ok(Node::Repeat(Box::new(atom), min, max))
    }

    fn escaped(&mut self) -> Result<Node, String> {
        let c = self.next().ok_or("a trailing backslash")?;
        if let Some((neg, ranges)) = class_of(c) {
            return Ok(Node::Class(neg, ranges));
        }
        if c.is_ascii_alphanumeric() {
            return Err(format!("the escape \\{c}"));
        }
        Ok(Node::Char(c))
    }

    fn class_char(&mut self) -> Result<char, String> {
        match self.next() {
            None => Err("an unclosed [".into()),
            Some('\\') => {
                let c = self.next().ok_or("an unclosed [")?;
                if c.is_ascii_alphanumeric() {
                    Err(format!("the escape \\{c} in a class"))
                } else {
                    Ok(c)
                }
            }
            Some('[') => Err("a [ inside a class".into()),
            Some(c) => Ok(c),
        }
    }

    fn class(&mut self) -> Result<Node, String> {
        let negated = self.peek() == Some('^');
        if negated {
            self.at += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            match self.peek() {
                Some(']') if !first => {
                    self.at += 1;
                    break;
                }
                Some('\\')
                    if self
                        .chars
                        .get(self.at + 1)
                        .and_then(|c| class_of(*c))
                        .is_some() =>
                {
                    self.at += 1;
                    let Some((false, r)) = self.next().and_then(class_of) else {
                        return Err("a negated escape inside a class".into());
                    };
                    ranges.extend(r);
                }
                _ => {
                    let lo = self.class_char()?;
                    if self.peek() == Some('-') && self.chars.get(self.at + 1) != Some(&']') {
                        self.at += 1;
                        let hi = self.class_char()?;
                        if hi < lo {
                            return Err("a class range out of order".into());
                        }
                        ranges.push((lo, hi));
                    } else {
                        ranges.push((lo, lo));
                    }
                }
            }
            first = false;
        }
        Ok(Node::Class(negated, ranges))
    }

    fn atom(&mut self) -> Result<Node, String> {
        match self.next() {
            Some('.') => Ok(Node::Any),
            Some('^') => Ok(Node::Start),
            Some('$') => Ok(Node::End),
            Some('\\') => self.escaped(),
            Some('[') => self.class(),
            Some('(') => {
                if self.peek() == Some('?') {
                    if self.chars.get(self.at + 1) == Some(&':') {
                        self.at += 2;
                    } else {
                        return Err("a (? group flag".into());
                    }
                }
                let inner = self.alt()?;
                if self.next() != Some(')') {
                    return Err("an unclosed (".into());
                }
                Ok(inner)
            }
            Some(c @ ('*' | '+' | '?' | '{' | ')')) => Err(format!("a {c} with nothing before it")),
            Some(c) => Ok(Node::Char(c)),
            None => Err("an unexpected end".into()),
        }
    }
}

impl Pattern {
    /// Compiles `text`, or says which construct is not supported.
    pub fn new(text: &str) -> Result<Pattern, String> {
        let chars: Vec<char> = text.chars().collect();
        let mut p = Parser {
            chars: &chars,
            at: 0,
            depth: 0,
        };
        let node = p.alt()?;
        if p.at < chars.len() {
            return Err("an unmatched )".into());
        }
        Ok(Pattern(node))
    }

    /// Whether the pattern matches anywhere in `name`.
    pub fn is_match(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        (0..=chars.len()).any(|start| ends(&self.0, &chars, start).contains(&true))
    }
}

/// Every position where `node` can end when it starts at `at`, as a set over `0..=s.len()`
/// (a `Vec<bool>`: smaller code in the web build than a `BTreeSet`).
fn ends(node: &Node, s: &[char], at: usize) -> Vec<bool> {
    let mut out = vec![false; s.len() + 1];
    let mut mark = |p: usize| {
        if let Some(slot) = out.get_mut(p) {
            *slot = true;
        }
    };
    // The positions reachable from any position in `from` through `node`.
    let step = |node: &Node, from: &[bool]| -> Vec<bool> {
        let mut next = vec![false; s.len() + 1];
        for (p, _) in from.iter().enumerate().filter(|(_, on)| **on) {
            for (q, on) in ends(node, s, p).into_iter().enumerate() {
                if on && let Some(slot) = next.get_mut(q) {
                    *slot = true;
                }
            }
        }
        next
    };
    let one = |at: usize| {
        let mut v = vec![false; s.len() + 1];
        if let Some(slot) = v.get_mut(at) {
            *slot = true;
        }
        v
    };
    match node {
        Node::Char(c) => {
            if s.get(at) == Some(c) {
                mark(at + 1);
            }
        }
        Node::Any => {
            if s.get(at).is_some_and(|c| *c != '\n') {
                mark(at + 1);
            }
        }
        Node::Class(negated, ranges) => {
            if let Some(c) = s.get(at)
                && ranges.iter().any(|(lo, hi)| lo <= c && c <= hi) != *negated
            {
                mark(at + 1);
            }
        }
        Node::Start => {
            if at == 0 {
                mark(at);
            }
        }
        Node::End => {
            if at == s.len() {
                mark(at);
            }
        }
        Node::Concat(items) => {
            let mut here = one(at);
            for item in items {
                if !here.contains(&true) {
                    break;
                }
                here = step(item, &here);
            }
            out = here;
        }
        Node::Alt(options) => {
            for o in options {
                for (q, on) in ends(o, s, at).into_iter().enumerate() {
                    if on {
                        mark(q);
                    }
                }
            }
        }
        Node::Repeat(inner, min, max) => {
            let mut here = one(at);
            let mut count = 0u32;
            // Positions already reached with at least `min` repetitions: expanding them again
            // finds nothing new, which is what ends an unbounded repetition.
            let mut seen = vec![false; s.len() + 1];
            loop {
                if count >= *min {
                    for (p, on) in here.iter_mut().enumerate() {
                        if *on {
                            if seen.get(p) == Some(&true) {
                                *on = false;
                            } else {
                                if let Some(slot) = seen.get_mut(p) {
                                    *slot = true;
                                }
                                mark(p);
                            }
                        }
                    }
                }
                if !here.contains(&true) || max.is_some_and(|m| count >= m) {
                    break;
                }
                here = step(inner, &here);
                count += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const NAMES: &[&str] = &[
        "",
        "orders",
        "orders.work",
        "orders.retry",
        "amq.gen-x1",
        "payments",
        "dlx",
        "a.b.c",
        "Orders",
        "q1",
        "q_22",
        "x y",
        "ab",
        "aaa",
        "résumé",
    ];

    const PATTERNS: &[&str] = &[
        "",
        ".*",
        "^orders",
        "^orders\\.",
        "orders$",
        "^dlx$",
        "^(orders|payments)",
        "^(?:orders|pay)ments?$",
        "\\.(work|retry)$",
        "^q\\d+$",
        "^q_\\d{2}$",
        "^[a-z]+$",
        "^[^.]+$",
        "[A-Z]",
        "\\w+\\.\\w+",
        "\\s",
        "a{2,}",
        "^a{1,2}$",
        "^(a|ab)*$",
        "^(a*)*$",
        "x|^$",
        "é",
        "^.{3}$",
        "[.-]",
        "^[\\w.]+$",
        "o+?r",
        "^(a?){2}b",
    ];

    #[test]
    fn agrees_with_regex_lite() {
        for pattern in PATTERNS {
            let mine = Pattern::new(pattern).unwrap_or_else(|e| panic!("{pattern}: {e}"));
            let theirs = regex_lite::Regex::new(pattern).unwrap_or_else(|e| panic!("{e}"));
            for name in NAMES {
                assert_eq!(
                    mine.is_match(name),
                    theirs.is_match(name),
                    "pattern {pattern:?} on {name:?}"
                );
            }
        }
    }

    #[test]
    fn unsupported_syntax_is_refused_with_a_reason() {
        for (pattern, why) in [
            ("(?i)orders", "(?"),
            ("\\bword", "\\b"),
            ("(unclosed", "unclosed ("),
            ("a)", "unmatched )"),
            ("[abc", "unclosed ["),
            ("*a", "nothing before"),
            ("a{3,1}", "out of range"),
            ("a**", "repeated quantifier"),
        ] {
            let e = Pattern::new(pattern).err().unwrap_or_default();
            assert!(e.contains(why), "{pattern}: {e}");
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics_and_agrees_when_accepted(
            pattern in "[a-c.^$*+?()|\\[\\]\\\\{}0-9,:-]{0,12}",
            name in "[a-c.0-9]{0,8}",
        ) {
            if let Ok(mine) = Pattern::new(&pattern)
                && let Ok(theirs) = regex_lite::Regex::new(&pattern)
            {
                proptest::prop_assert_eq!(mine.is_match(&name), theirs.is_match(&name), "{:?} on {:?}", pattern, name);
            }
        }
    }
}
