//! `cfg(...)` expressions as they appear in `[target.'cfg(..)'.dependencies]`
//! and in `rustc --print cfg` output: a tokenizer, a recursive-descent parser
//! with cargo's error wording, and evaluation against a set of [`Cfg`]s.

use std::fmt;
use std::str::FromStr;

/// One configuration value: `unix` or `target_os = "linux"`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cfg {
    Name(Ident),
    KeyPair(Ident, String),
}

/// An identifier, possibly written raw (`r#true`).
#[derive(Debug, Clone, Eq)]
pub struct Ident {
    pub name: String,
    pub raw: bool,
}

// Identity is the name alone: `r#true` and `true` name the same cfg.
impl PartialEq for Ident {
    fn eq(&self, other: &Ident) -> bool {
        self.name == other.name
    }
}

impl std::hash::Hash for Ident {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl PartialOrd for Ident {
    fn partial_cmp(&self, other: &Ident) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ident {
    fn cmp(&self, other: &Ident) -> std::cmp::Ordering {
        self.name.cmp(&other.name)
    }
}

impl Ident {
    pub fn new(name: impl Into<String>) -> Ident {
        Ident {
            name: name.into(),
            raw: false,
        }
    }
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.raw {
            f.write_str("r#")?;
        }
        f.write_str(&self.name)
    }
}

/// A boolean combination of [`Cfg`]s.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CfgExpr {
    Not(Box<CfgExpr>),
    All(Vec<CfgExpr>),
    Any(Vec<CfgExpr>),
    Value(Cfg),
    True,
    False,
}

/// A failure to parse a cfg expression or target name; displays as cargo's
/// "failed to parse `..` as a cfg expression: ..".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CfgParseError {
    pub orig: String,
    pub kind: CfgParseErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CfgParseErrorKind {
    UnterminatedString,
    UnexpectedChar(char),
    UnexpectedToken {
        expected: &'static str,
        found: &'static str,
    },
    IncompleteExpr(&'static str),
    UnterminatedExpression(String),
    InvalidTarget(String),
}

impl fmt::Display for CfgParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "failed to parse `{}` as a cfg expression: {}",
            self.orig, self.kind
        )
    }
}

impl fmt::Display for CfgParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CfgParseErrorKind::*;
        match self {
            UnterminatedString => f.write_str("unterminated string in cfg"),
            UnexpectedChar(c) => write!(
                f,
                "unexpected character `{c}` in cfg, expected parens, a comma, an identifier, or a string"
            ),
            UnexpectedToken { expected, found } => write!(f, "expected {expected}, found {found}"),
            IncompleteExpr(expected) => {
                write!(f, "expected {expected}, but cfg expression ended")
            }
            UnterminatedExpression(s) => {
                write!(f, "unexpected content `{s}` found after cfg expression")
            }
            InvalidTarget(s) => write!(f, "invalid target specifier: {s}"),
        }
    }
}

impl std::error::Error for CfgParseError {}

#[derive(Debug, Clone, PartialEq)]
enum Token<'a> {
    LeftParen,
    RightParen,
    Ident(bool, &'a str),
    Comma,
    Equals,
    Str(&'a str),
}

impl Token<'_> {
    fn describe(&self) -> &'static str {
        match self {
            Token::LeftParen => "`(`",
            Token::RightParen => "`)`",
            Token::Ident(..) => "an identifier",
            Token::Comma => "`,`",
            Token::Equals => "`=`",
            Token::Str(_) => "a string",
        }
    }
}

struct Tokenizer<'a> {
    s: &'a str,
    pos: usize,
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_ascii_alphabetic()
}

fn is_ident_rest(c: char) -> bool {
    c == '_' || c.is_ascii_alphanumeric()
}

impl<'a> Tokenizer<'a> {
    fn rest(&self) -> &'a str {
        &self.s[self.pos..]
    }

    fn next_token(&mut self) -> Option<Result<Token<'a>, CfgParseErrorKind>> {
        loop {
            let rest = self.rest();
            let c = rest.chars().next()?;
            let start = self.pos;
            self.pos += c.len_utf8();
            return Some(Ok(match c {
                ' ' | '\t' | '\n' | '\r' => continue,
                '(' => Token::LeftParen,
                ')' => Token::RightParen,
                ',' => Token::Comma,
                '=' => Token::Equals,
                '"' => {
                    let body = &self.s[self.pos..];
                    match body.find('"') {
                        Some(end) => {
                            self.pos += end + 1;
                            Token::Str(&body[..end])
                        }
                        None => return Some(Err(CfgParseErrorKind::UnterminatedString)),
                    }
                }
                c if is_ident_start(c) => {
                    let (raw, from) = if c == 'r' && self.s[self.pos..].starts_with('#') {
                        let after = &self.s[self.pos + 1..];
                        if after.chars().next().is_some_and(is_ident_start) {
                            self.pos += 1;
                            (true, self.pos)
                        } else {
                            (false, start)
                        }
                    } else {
                        (false, start)
                    };
                    let len = self.s[self.pos..]
                        .find(|c: char| !is_ident_rest(c))
                        .unwrap_or(self.s.len() - self.pos);
                    self.pos += len;
                    Token::Ident(raw, &self.s[from..self.pos])
                }
                c => return Some(Err(CfgParseErrorKind::UnexpectedChar(c))),
            }));
        }
    }

    fn peek(&self) -> Option<Result<Token<'a>, CfgParseErrorKind>> {
        let mut copy = Tokenizer {
            s: self.s,
            pos: self.pos,
        };
        copy.next_token()
    }
}

struct Parser<'a> {
    t: Tokenizer<'a>,
}

type PResult<T> = Result<T, CfgParseErrorKind>;

impl<'a> Parser<'a> {
    fn expr(&mut self) -> PResult<CfgExpr> {
        match self.t.peek() {
            Some(Ok(Token::Ident(false, op @ ("all" | "any")))) => {
                self.t.next_token();
                let mut e = Vec::new();
                self.eat(&Token::LeftParen, "`(`")?;
                while !self.r#try(&Token::RightParen) {
                    e.push(self.expr()?);
                    if !self.r#try(&Token::Comma) {
                        self.eat(&Token::RightParen, "`)`")?;
                        break;
                    }
                }
                Ok(if op == "all" {
                    CfgExpr::All(e)
                } else {
                    CfgExpr::Any(e)
                })
            }
            Some(Ok(Token::Ident(false, "not"))) => {
                self.t.next_token();
                self.eat(&Token::LeftParen, "`(`")?;
                let e = self.expr()?;
                self.eat(&Token::RightParen, "`)`")?;
                Ok(CfgExpr::Not(Box::new(e)))
            }
            Some(Ok(Token::Ident(false, "true"))) => {
                self.t.next_token();
                Ok(CfgExpr::True)
            }
            Some(Ok(Token::Ident(false, "false"))) => {
                self.t.next_token();
                Ok(CfgExpr::False)
            }
            Some(Ok(..)) => self.cfg().map(CfgExpr::Value),
            Some(Err(e)) => Err(e),
            None => Err(CfgParseErrorKind::IncompleteExpr(
                "start of a cfg expression",
            )),
        }
    }

    fn cfg(&mut self) -> PResult<Cfg> {
        match self.t.next_token() {
            Some(Ok(Token::Ident(raw, name))) => {
                let name = Ident {
                    name: name.to_string(),
                    raw,
                };
                if self.r#try(&Token::Equals) {
                    match self.t.next_token() {
                        Some(Ok(Token::Str(s))) => Ok(Cfg::KeyPair(name, s.to_string())),
                        Some(Ok(t)) => Err(CfgParseErrorKind::UnexpectedToken {
                            expected: "a string",
                            found: t.describe(),
                        }),
                        Some(Err(e)) => Err(e),
                        None => Err(CfgParseErrorKind::IncompleteExpr("a string")),
                    }
                } else {
                    Ok(Cfg::Name(name))
                }
            }
            Some(Ok(t)) => Err(CfgParseErrorKind::UnexpectedToken {
                expected: "identifier",
                found: t.describe(),
            }),
            Some(Err(e)) => Err(e),
            None => Err(CfgParseErrorKind::IncompleteExpr("identifier")),
        }
    }

    fn r#try(&mut self, token: &Token<'a>) -> bool {
        match self.t.peek() {
            Some(Ok(ref t)) if t == token => {
                self.t.next_token();
                true
            }
            _ => false,
        }
    }

    fn eat(&mut self, token: &Token<'a>, expected: &'static str) -> PResult<()> {
        match self.t.next_token() {
            Some(Ok(ref t)) if t == token => Ok(()),
            Some(Ok(t)) => Err(CfgParseErrorKind::UnexpectedToken {
                expected,
                found: t.describe(),
            }),
            Some(Err(e)) => Err(e),
            None => Err(CfgParseErrorKind::IncompleteExpr(expected)),
        }
    }

    fn finish(&self) -> PResult<()> {
        let rest = self.t.rest().trim();
        if rest.is_empty() {
            Ok(())
        } else {
            Err(CfgParseErrorKind::UnterminatedExpression(rest.to_string()))
        }
    }
}

impl FromStr for CfgExpr {
    type Err = CfgParseError;

    fn from_str(s: &str) -> Result<CfgExpr, CfgParseError> {
        let mut p = Parser {
            t: Tokenizer { s, pos: 0 },
        };
        p.expr()
            .and_then(|e| p.finish().map(|()| e))
            .map_err(|kind| CfgParseError {
                orig: s.to_string(),
                kind,
            })
    }
}

impl FromStr for Cfg {
    type Err = CfgParseError;

    fn from_str(s: &str) -> Result<Cfg, CfgParseError> {
        let mut p = Parser {
            t: Tokenizer { s, pos: 0 },
        };
        p.cfg()
            .and_then(|e| p.finish().map(|()| e))
            .map_err(|kind| CfgParseError {
                orig: s.to_string(),
                kind,
            })
    }
}

impl Cfg {
    /// The cfgs of `rustc --print cfg` output, one per line; lines that do not
    /// parse (there should be none) are skipped.
    pub fn parse_rustc_print_cfg(output: &str) -> Vec<Cfg> {
        output
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .filter_map(|l| l.parse().ok())
            .collect()
    }

    /// A bare name, `unix`.
    pub fn name(name: &str) -> Cfg {
        Cfg::Name(Ident::new(name))
    }

    /// A key/value pair, `target_os = "linux"`.
    pub fn key_pair(key: &str, value: &str) -> Cfg {
        Cfg::KeyPair(Ident::new(key), value.to_string())
    }
}

impl CfgExpr {
    /// Whether the expression holds given the active `cfgs`.
    pub fn matches(&self, cfgs: &[Cfg]) -> bool {
        match self {
            CfgExpr::Not(e) => !e.matches(cfgs),
            CfgExpr::All(es) => es.iter().all(|e| e.matches(cfgs)),
            CfgExpr::Any(es) => es.iter().any(|e| e.matches(cfgs)),
            CfgExpr::Value(c) => cfgs.contains(c),
            CfgExpr::True => true,
            CfgExpr::False => false,
        }
    }

    /// Every [`Cfg`] mentioned in the expression, in order.
    pub fn walk_cfgs<'a>(&'a self, out: &mut Vec<&'a Cfg>) {
        match self {
            CfgExpr::Not(e) => e.walk_cfgs(out),
            CfgExpr::All(es) | CfgExpr::Any(es) => es.iter().for_each(|e| e.walk_cfgs(out)),
            CfgExpr::Value(c) => out.push(c),
            CfgExpr::True | CfgExpr::False => {}
        }
    }
}

impl fmt::Display for Cfg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cfg::Name(n) => write!(f, "{n}"),
            Cfg::KeyPair(k, v) => write!(f, "{k} = \"{v}\""),
        }
    }
}

impl fmt::Display for CfgExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn list(f: &mut fmt::Formatter<'_>, name: &str, es: &[CfgExpr]) -> fmt::Result {
            write!(f, "{name}(")?;
            for (i, e) in es.iter().enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                write!(f, "{e}")?;
            }
            f.write_str(")")
        }
        match self {
            CfgExpr::Not(e) => write!(f, "not({e})"),
            CfgExpr::All(es) => list(f, "all", es),
            CfgExpr::Any(es) => list(f, "any", es),
            CfgExpr::Value(c) => write!(f, "{c}"),
            CfgExpr::True => f.write_str("true"),
            CfgExpr::False => f.write_str("false"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(s: &str) -> String {
        s.parse::<CfgExpr>().unwrap_err().to_string()
    }

    #[test]
    fn parses_and_displays() {
        let e: CfgExpr = "all(unix, not(target_os = \"macos\"), any())"
            .parse()
            .unwrap();
        assert_eq!(
            e.to_string(),
            "all(unix, not(target_os = \"macos\"), any())"
        );
        let e: CfgExpr = "all(unix,)".parse().unwrap();
        assert_eq!(e, CfgExpr::All(vec![CfgExpr::Value(Cfg::name("unix"))]));
        assert_eq!("true".parse::<CfgExpr>().unwrap(), CfgExpr::True);
        let raw: CfgExpr = "r#true".parse().unwrap();
        assert_eq!(raw.to_string(), "r#true");
        assert!(raw.matches(&[Cfg::name("true")]));
    }

    #[test]
    fn errors_like_cargo() {
        let p = "failed to parse `";
        assert_eq!(
            err(""),
            format!(
                "{p}` as a cfg expression: expected start of a cfg expression, but cfg expression ended"
            )
        );
        assert!(err("foo bar").ends_with("unexpected content `bar` found after cfg expression"));
        assert!(err("foo = ").ends_with("expected a string, but cfg expression ended"));
        assert!(err("foo = \"x").ends_with("unterminated string in cfg"));
        assert!(err("foo=bar").ends_with("expected a string, found an identifier"));
        assert!(err("not()").ends_with("expected identifier, found `)`"));
        assert!(err("not(a,b)").ends_with("expected `)`, found `,`"));
        assert!(err(",").ends_with("expected identifier, found `,`"));
        assert!(err("a$").ends_with("unexpected content `$` found after cfg expression"));
        assert!(err("all").ends_with("expected `(`, but cfg expression ended"));
        assert!(err("1a").ends_with(
            "unexpected character `1` in cfg, expected parens, a comma, an identifier, or a string"
        ));
        assert!(err("all(a, b").ends_with("expected `)`, but cfg expression ended"));
    }

    #[test]
    fn evaluates() {
        let cfgs = Cfg::parse_rustc_print_cfg(
            "debug_assertions\npanic=\"unwind\"\ntarget_os=\"linux\"\nunix\n",
        );
        assert_eq!(cfgs.len(), 4);
        let t = |s: &str| s.parse::<CfgExpr>().unwrap().matches(&cfgs);
        assert!(t("unix"));
        assert!(!t("windows"));
        assert!(t("target_os = \"linux\""));
        assert!(!t("target_os = \"macos\""));
        assert!(t("all(unix, target_os = \"linux\")"));
        assert!(!t("all(unix, windows)"));
        assert!(t("any(windows, unix)"));
        assert!(!t("any()"));
        assert!(t("all()"));
        assert!(t("not(windows)"));
        assert!(!t("false"));
    }
}
