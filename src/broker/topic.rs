//! The topic-exchange word trie: binding keys are paths of words, `*` and `#` are edges of their
//! own, and a routing key is matched by walking the trie as a *set of active nodes* (an NFA
//! simulation), so the cost is words × active nodes, never a scan over bindings and never
//! exponential backtracking (RabbitMQ 3.10's own walk can take minutes on `#.#.#…`).
//!
//! Semantics (RabbitMQ 3.10): keys split on every `.`; `""` is zero words; empty words are words;
//! `*` matches exactly one word; `#` matches zero or more words; only a whole word `*`/`#` in a
//! *binding* key is a wildcard.
//!
//! Owns: the trie nodes, an interned word table, and per-terminal-node payloads `T`.
//! Must not import: the router's exchange/binding bookkeeping.

use rustc_hash::FxHashMap;

const NONE: u32 = u32::MAX;

/// How a node was reached from its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    Root,
    Word(u32),
    Star,
    Hash,
}

/// The fields the match walk reads, kept in one 16-byte record per node so the walk over a big
/// trie stays cache-friendly; payloads and parent links live in separate arrays.
#[derive(Debug, Clone, Copy)]
struct Node {
    star: u32,
    hash: u32,
    literal_children: u32,
    flags: u32,
    /// A value the owner may attach to a terminal node (the router stores the destination
    /// queue when it is the only one), handed to the match callback so the common case needs
    /// no access to the payload.
    hint: u32,
}

/// The node was reached over a `#` edge (it may absorb further words).
const HASH_NODE: u32 = 1;
/// The node's payload is non-empty (a binding key ends here).
const TERMINAL: u32 = 2;

impl Node {
    fn new(edge: Edge) -> Self {
        Node {
            star: NONE,
            hash: NONE,
            literal_children: 0,
            hint: NONE,
            flags: if edge == Edge::Hash { HASH_NODE } else { 0 },
        }
    }
}

/// Splits a topic key into words: `""` is zero words, every `.` separates (empty words allowed).
pub fn split_words(key: &str) -> impl Iterator<Item = &str> {
    let mut it = key.split('.');
    if key.is_empty() {
        // `split` yields one empty word for ""; RabbitMQ treats "" as no words at all.
        it.next();
    }
    it
}

/// Reusable buffers for [`TopicTrie::for_each_match`], so a publish allocates nothing once warm.
#[derive(Debug, Default, Clone)]
pub struct TopicScratch {
    words: Vec<u32>,
    active: Vec<u32>,
    next: Vec<u32>,
    mark: Vec<u32>,
    epoch: u32,
}

impl TopicScratch {
    fn next_epoch(&mut self, nodes: usize) {
        if self.mark.len() < nodes {
            self.mark.resize(nodes, 0);
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.mark.iter_mut().for_each(|m| *m = 0);
            self.epoch = 1;
        }
    }
}

/// A word trie of topic binding keys with a payload per node (meaningful at terminal nodes).
#[derive(Debug, Clone)]
pub struct TopicTrie<T> {
    nodes: Vec<Node>,
    /// Per node: parent and the edge that leads to it (for pruning).
    shape: Vec<(u32, Edge)>,
    payloads: Vec<T>,
    free: Vec<u32>,
    /// Interned literal words → id.
    words: FxHashMap<Box<str>, u32>,
    /// Per word id: its text and the number of edges labelled with it (0 = free id).
    word_info: Vec<(Box<str>, u32)>,
    free_words: Vec<u32>,
    literal: FxHashMap<(u32, u32), u32>,
}

impl<T: Default> Default for TopicTrie<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Default> TopicTrie<T> {
    /// An empty trie (just the root, which stands for the empty binding key).
    pub fn new() -> Self {
        TopicTrie {
            nodes: vec![Node::new(Edge::Root)],
            shape: vec![(NONE, Edge::Root)],
            payloads: vec![T::default()],
            free: Vec::new(),
            words: FxHashMap::default(),
            word_info: Vec::new(),
            free_words: Vec::new(),
            literal: FxHashMap::default(),
        }
    }

    /// Number of node slots (an upper bound on node ids + 1).
    #[cfg(test)]
    pub fn node_slots(&self) -> usize {
        self.nodes.len()
    }

    fn alloc(&mut self, parent: u32, edge: Edge) -> u32 {
        if let Some(id) = self.free.pop() {
            self.nodes[id as usize] = Node::new(edge);
            self.shape[id as usize] = (parent, edge);
            self.payloads[id as usize] = T::default();
            id
        } else {
            self.nodes.push(Node::new(edge));
            self.shape.push((parent, edge));
            self.payloads.push(T::default());
            (self.nodes.len() - 1) as u32
        }
    }

    fn intern(&mut self, word: &str) -> u32 {
        if let Some(&id) = self.words.get(word) {
            if let Some(info) = self.word_info.get_mut(id as usize) {
                info.1 += 1;
            }
            return id;
        }
        let id = match self.free_words.pop() {
            Some(id) => {
                self.word_info[id as usize] = (word.into(), 1);
                id
            }
            None => {
                self.word_info.push((word.into(), 1));
                (self.word_info.len() - 1) as u32
            }
        };
        self.words.insert(word.into(), id);
        id
    }

    /// The terminal node of a binding key, created if missing and flagged as carrying a payload
    /// (the caller adds to it; [`TopicTrie::prune`] clears the flag when it is empty again).
    pub fn insert(&mut self, binding_key: &str) -> u32 {
        let node = self.insert_path(binding_key);
        self.nodes[node as usize].flags |= TERMINAL;
        node
    }

    fn insert_path(&mut self, binding_key: &str) -> u32 {
        let mut node = 0u32;
        for word in split_words(binding_key) {
            node = match word {
                "*" => match self.nodes[node as usize].star {
                    NONE => {
                        let c = self.alloc(node, Edge::Star);
                        self.nodes[node as usize].star = c;
                        c
                    }
                    c => c,
                },
                "#" => match self.nodes[node as usize].hash {
                    NONE => {
                        let c = self.alloc(node, Edge::Hash);
                        self.nodes[node as usize].hash = c;
                        c
                    }
                    c => c,
                },
                w => {
                    let existing = self
                        .words
                        .get(w)
                        .and_then(|id| self.literal.get(&(node, *id)).copied());
                    match existing {
                        Some(c) => c,
                        None => {
                            let id = self.intern(w);
                            let c = self.alloc(node, Edge::Word(id));
                            self.literal.insert((node, id), c);
                            self.nodes[node as usize].literal_children += 1;
                            c
                        }
                    }
                }
            };
        }
        node
    }

    /// The terminal node of a binding key, if present.
    pub fn find(&self, binding_key: &str) -> Option<u32> {
        let mut node = 0u32;
        for word in split_words(binding_key) {
            let n = &self.nodes[node as usize];
            node = match word {
                "*" => n.star,
                "#" => n.hash,
                w => {
                    let id = self.words.get(w)?;
                    *self.literal.get(&(node, *id))?
                }
            };
            if node == NONE {
                return None;
            }
        }
        Some(node)
    }

    /// Attaches `hint` (or nothing, with `None`) to a node; see [`TopicTrie::for_each_match`].
    pub fn set_hint(&mut self, node: u32, hint: Option<u32>) {
        if let Some(n) = self.nodes.get_mut(node as usize) {
            n.hint = hint.unwrap_or(NONE);
        }
    }

    /// The payload of a node, mutably.
    pub fn payload_mut(&mut self, node: u32) -> Option<&mut T> {
        self.payloads.get_mut(node as usize)
    }

    /// Call after changing a node's payload: updates its terminal flag and removes `node` and
    /// its now-useless ancestors while they have no children and an empty payload, so an
    /// unbound pattern leaves nothing behind.
    pub fn prune(&mut self, mut node: u32, is_empty: impl Fn(&T) -> bool) {
        while (node as usize) < self.nodes.len() {
            let empty = is_empty(&self.payloads[node as usize]);
            let n = &mut self.nodes[node as usize];
            if empty {
                n.flags &= !TERMINAL;
            } else {
                n.flags |= TERMINAL;
            }
            if node == 0 || n.star != NONE || n.hash != NONE || n.literal_children != 0 || !empty {
                return;
            }
            let (parent, edge) = self.shape[node as usize];
            match edge {
                Edge::Star => self.nodes[parent as usize].star = NONE,
                Edge::Hash => self.nodes[parent as usize].hash = NONE,
                Edge::Word(id) => {
                    self.literal.remove(&(parent, id));
                    self.nodes[parent as usize].literal_children -= 1;
                    self.release_word(id);
                }
                Edge::Root => return,
            }
            self.payloads[node as usize] = T::default();
            self.free.push(node);
            node = parent;
        }
    }

    fn release_word(&mut self, id: u32) {
        let Some(info) = self.word_info.get_mut(id as usize) else {
            return;
        };
        info.1 = info.1.saturating_sub(1);
        if info.1 == 0 {
            let text = std::mem::take(&mut info.0);
            self.words.remove(&text);
            self.free_words.push(id);
        }
    }

    /// Calls `f` once for every terminal node (one with a payload) whose binding key matches
    /// `routing_key`, with the node's hint (if set) and its payload.
    pub fn for_each_match(
        &self,
        routing_key: &str,
        scratch: &mut TopicScratch,
        mut f: impl FnMut(Option<u32>, &T),
    ) {
        scratch.words.clear();
        for w in split_words(routing_key) {
            let id = self.words.get(w).map_or(NONE, |id| *id);
            scratch.words.push(id);
        }
        let nodes = &self.nodes;
        let mut active = std::mem::take(&mut scratch.active);
        let mut next = std::mem::take(&mut scratch.next);
        active.clear();
        scratch.next_epoch(nodes.len());
        add_closure(nodes, 0, &mut active, &mut scratch.mark, scratch.epoch);
        for i in 0..scratch.words.len() {
            let word = scratch.words[i];
            scratch.next_epoch(nodes.len());
            let epoch = scratch.epoch;
            next.clear();
            for &n in &active {
                let node = &nodes[n as usize];
                if node.flags & HASH_NODE != 0 {
                    add_closure(nodes, n, &mut next, &mut scratch.mark, epoch);
                }
                if node.star != NONE {
                    add_closure(nodes, node.star, &mut next, &mut scratch.mark, epoch);
                }
                if word != NONE
                    && node.literal_children != 0
                    && let Some(&c) = self.literal.get(&(n, word))
                {
                    add_closure(nodes, c, &mut next, &mut scratch.mark, epoch);
                }
            }
            std::mem::swap(&mut active, &mut next);
            if active.is_empty() {
                break;
            }
        }
        for &n in &active {
            let node = &nodes[n as usize];
            if node.flags & TERMINAL != 0 {
                let hint = (node.hint != NONE).then_some(node.hint);
                f(hint, &self.payloads[n as usize]);
            }
        }
        scratch.active = active;
        scratch.next = next;
    }
}

/// Adds `n` and every node reachable from it over `#` edges (a `#` may match zero words).
fn add_closure(nodes: &[Node], mut n: u32, out: &mut Vec<u32>, mark: &mut [u32], epoch: u32) {
    while n != NONE {
        let m = &mut mark[n as usize];
        if *m == epoch {
            return;
        }
        *m = epoch;
        out.push(n);
        n = nodes[n as usize].hash;
    }
}

/// The straightforward recursive matcher of RabbitMQ's property test (`ref_match/2`), memoised so
/// it stays polynomial. Returns, when the pattern matches, the words each pattern word took
/// (`#` may take zero or more, `*` and literals exactly one).
pub fn explain_match(binding_key: &str, routing_key: &str) -> Option<Vec<Vec<String>>> {
    let pattern: Vec<&str> = split_words(binding_key).collect();
    let words: Vec<&str> = split_words(routing_key).collect();
    let (p, w) = (pattern.len(), words.len());
    // can[i][j]: pattern[i..] matches words[j..]; filled bottom-up, no recursion.
    let mut can = vec![vec![false; w + 1]; p + 1];
    can[p][w] = true;
    for i in (0..p).rev() {
        for j in (0..=w).rev() {
            can[i][j] = match pattern[i] {
                "#" => can[i + 1][j] || (j < w && can[i][j + 1]),
                "*" => j < w && can[i + 1][j + 1],
                lit => j < w && words[j] == lit && can[i + 1][j + 1],
            };
        }
    }
    if !can[0][0] {
        return None;
    }
    // Walk one accepting path; `#` takes as few words as possible.
    let (mut i, mut j) = (0, 0);
    let mut taken = Vec::with_capacity(p);
    while i < p {
        if pattern[i] == "#" {
            let mut k = j;
            while !can[i + 1][k] {
                k += 1;
            }
            taken.push(words[j..k].iter().map(|s| s.to_string()).collect());
            j = k;
        } else {
            taken.push(vec![words[j].to_string()]);
            j += 1;
        }
        i += 1;
    }
    Some(taken)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RabbitMQ's `ref_match/2`, literally (exponential, for tests only).
    fn ref_match(f: &[&str], t: &[&str]) -> bool {
        match (f, t) {
            ([], []) => true,
            (["#"], _) => true,
            (["#", rest @ ..], _) => ref_match(rest, t) || (!t.is_empty() && ref_match(f, &t[1..])),
            (["*", rest @ ..], [_, trest @ ..]) => ref_match(rest, trest),
            ([h, rest @ ..], [th, trest @ ..]) if *h != "*" && *h != "#" => {
                h == th && ref_match(rest, trest)
            }
            _ => false,
        }
    }

    fn reference(binding_key: &str, routing_key: &str) -> bool {
        let f: Vec<&str> = split_words(binding_key).collect();
        let t: Vec<&str> = split_words(routing_key).collect();
        ref_match(&f, &t)
    }

    fn trie_matches(binding_key: &str, routing_key: &str) -> bool {
        let mut trie: TopicTrie<u32> = TopicTrie::new();
        let n = trie.insert(binding_key);
        if let Some(p) = trie.payload_mut(n) {
            *p = 1;
        }
        let mut hit = false;
        trie.for_each_match(routing_key, &mut TopicScratch::default(), |_, p| {
            hit |= *p == 1
        });
        hit
    }

    /// (binding key, routing key, matches) — the FACTS / amqp-semantics §5.4 edge cases.
    const TABLE: &[(&str, &str, bool)] = &[
        ("", "", true),
        ("#", "", true),
        ("#.#", "", true),
        ("#.#.#", "", true),
        ("*", "", false),
        ("", "a", false),
        ("a.*", "a.", true),
        ("a.#", "a.", true),
        ("*.*", ".", true),
        ("*", ".", false),
        ("a.*.b", "a..b", true),
        ("a.#.b", "a..b", true),
        ("#.b", "a..b", true),
        ("a.#", "a", true),
        ("#.b", "b", true),
        ("a.#.b", "a.b", true),
        ("#.a.#", "b.a", true),
        ("#.a.#", "b.c", false),
        ("a.#", "a.b.c", true),
        ("#.a", "a", true),
        ("a.#.b", "a.x.y.b", true),
        ("#.*", "", false),
        ("#.*", "x", true),
        ("*.#", "x.y", true),
        ("#.*.*", "x", false),
        ("#.*.*", "x.y", true),
        ("simply#carrots", "simply#carrots", true),
        ("simply#carrots", "simply.carrots", false),
        ("#.noclue", "#.noclue", true),
        ("this.*.rules", "*.queue.rules", false),
        ("*.queue.rules", "*.queue.rules", true),
        (".a", ".a", true),
        (".a", "a", false),
        ("*.a", ".a", true),
        ("a", "A", false),
        ("a.b", "a.b.c", false),
        ("a.b.c", "a.b", false),
        ("#.#.#", "a.b.c", true),
        ("a.*.#", "a", false),
        ("a.*.#", "a.b", true),
        ("*.*.*", "a..", true),
        ("#", "a.b..c", true),
        ("ünï.*", "ünï.cödé", true),
    ];

    #[test]
    fn topic_table() {
        for &(pattern, key, want) in TABLE {
            assert_eq!(
                reference(pattern, key),
                want,
                "reference: {pattern:?} vs {key:?}"
            );
            assert_eq!(
                trie_matches(pattern, key),
                want,
                "trie: {pattern:?} vs {key:?}"
            );
            assert_eq!(
                explain_match(pattern, key).is_some(),
                want,
                "explain: {pattern:?} vs {key:?}"
            );
        }
    }

    #[test]
    fn explain_shows_words_taken_by_hash() {
        let taken = explain_match("a.#.d", "a.b.c.d");
        assert_eq!(
            taken,
            Some(vec![
                vec!["a".to_string()],
                vec!["b".to_string(), "c".to_string()],
                vec!["d".to_string()]
            ])
        );
        assert_eq!(explain_match("#", ""), Some(vec![vec![]]));
        assert_eq!(explain_match("a.#", "b"), None);
    }

    #[test]
    fn prune_removes_unused_nodes_and_words() {
        let mut trie: TopicTrie<u32> = TopicTrie::new();
        let a = trie.insert("a.b.#");
        let b = trie.insert("a.*");
        for n in [a, b] {
            if let Some(p) = trie.payload_mut(n) {
                *p = 1;
            }
        }
        let used = trie.node_slots() - trie.free.len();
        assert_eq!(used, 5); // root, a, b, #, *
        if let Some(p) = trie.payload_mut(a) {
            *p = 0;
        }
        trie.prune(a, |p| *p == 0);
        assert_eq!(trie.node_slots() - trie.free.len(), 3);
        assert!(trie.find("a.b.#").is_none());
        assert_eq!(trie.find("a.*"), Some(b));
        assert!(!trie.words.contains_key("b"));
        assert!(trie.words.contains_key("a"));
        // freed slots are reused
        let c = trie.insert("x");
        assert!(c < 5);
    }

    #[test]
    fn many_words_and_many_hashes_do_not_blow_up() {
        let pattern = vec!["#"; 40].join(".");
        let key = vec!["w"; 200].join(".");
        assert!(trie_matches(&pattern, &key));
        let pattern2 = format!("{pattern}.x");
        assert!(!trie_matches(&pattern2, &key));
        assert!(explain_match(&pattern2, &key).is_none());
        let long = vec![""; 10_000].join(".");
        assert!(trie_matches(&long, &long));
        // The pattern that kept a 3.10 channel busy for minutes (15 `#`, 31-word key).
        let hashes = ["#"; 15].join(".");
        let words31 = vec!["a"; 31].join(".");
        assert!(trie_matches(
            &format!("{hashes}.b"),
            &format!("{words31}.b")
        ));
        assert!(!trie_matches(&format!("{hashes}.b"), &words31));
        assert!(explain_match(&format!("{hashes}.b"), &words31).is_none());
    }

    fn word() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("#".to_string()),
            Just("*".to_string()),
            Just("a".to_string()),
            Just("b".to_string()),
            Just("ab".to_string()),
        ]
    }

    fn key_word() -> impl Strategy<Value = String> {
        prop_oneof![
            Just(String::new()),
            Just("a".to_string()),
            Just("b".to_string()),
            Just("#".to_string()),
            Just("*".to_string()),
        ]
    }

    proptest! {
        #[test]
        fn trie_agrees_with_reference(
            patterns in proptest::collection::vec(proptest::collection::vec(word(), 0..6), 1..8),
            keys in proptest::collection::vec(proptest::collection::vec(key_word(), 0..7), 1..8),
        ) {
            let patterns: Vec<String> = patterns.iter().map(|p| p.join(".")).collect();
            let keys: Vec<String> = keys.iter().map(|k| k.join(".")).collect();
            let mut trie: TopicTrie<Vec<usize>> = TopicTrie::new();
            for (i, p) in patterns.iter().enumerate() {
                let n = trie.insert(p);
                if let Some(list) = trie.payload_mut(n) {
                    list.push(i);
                }
            }
            let mut scratch = TopicScratch::default();
            for k in &keys {
                let mut got: Vec<usize> = Vec::new();
                trie.for_each_match(k, &mut scratch, |_, list| got.extend(list.iter().copied()));
                got.sort_unstable();
                let want: Vec<usize> = (0..patterns.len()).filter(|&i| reference(&patterns[i], k)).collect();
                prop_assert_eq!(&got, &want, "key {:?} patterns {:?}", k, patterns);
                for (i, p) in patterns.iter().enumerate() {
                    prop_assert_eq!(explain_match(p, k).is_some(), want.contains(&i));
                }
            }
            // Remove half of the patterns and check again (pruning must keep the rest intact).
            for (i, p) in patterns.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
                if let Some(n) = trie.find(p) {
                    if let Some(list) = trie.payload_mut(n) {
                        list.retain(|&j| j != i);
                    }
                    trie.prune(n, |l| l.is_empty());
                }
            }
            for k in &keys {
                let mut got: Vec<usize> = Vec::new();
                trie.for_each_match(k, &mut scratch, |_, list| got.extend(list.iter().copied()));
                got.sort_unstable();
                let want: Vec<usize> = (0..patterns.len()).filter(|&i| i % 2 == 1 && reference(&patterns[i], k)).collect();
                prop_assert_eq!(&got, &want);
            }
        }
    }
}
