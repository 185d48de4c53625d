//! `SmallMap`: a map kept as a Vec sorted by key, for the simulator's small lookup tables (one
//! entry per connection, channel, queue or unconfirmed publish: a handful at a time).
//!
//! Why not `BTreeMap`: every distinct `BTreeMap<K, V>` adds several KB of node-splitting,
//! merging, cloning and dropping code to the wasm page; a sorted Vec needs only a binary search
//! and a Vec insert or remove, and for this few entries it is as fast. Iteration is in key
//! order, like a `BTreeMap`, so determinism does not change.
//! Must not import: anything outside `std` (plain data structure).

use std::borrow::Borrow;

/// A map from `K` to `V` stored as `(K, V)` pairs sorted by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmallMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SmallMap<K, V> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K, V> SmallMap<K, V> {
    /// An empty map (no allocation).
    pub const fn new() -> Self {
        Self {
            entries: Vec::new(),
        }
    }

    /// Removes every entry.
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

impl<K: Ord, V> SmallMap<K, V> {
    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// The value for `key`.
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// The value for `key`, to change in place.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    /// The values in key order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Sets `key` to `value`, returning the value it replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => self
                .entries
                .get_mut(i)
                .map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// Removes `key`, returning its value.
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i).1)
    }
}

#[cfg(test)]
mod tests {
    use super::SmallMap;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_like_a_btree_map() {
        let mut small: SmallMap<String, u32> = SmallMap::new();
        let mut reference: BTreeMap<String, u32> = BTreeMap::new();
        // A fixed pseudo-random sequence of inserts and removes over a few keys.
        let mut x: u32 = 7;
        for step in 0..500u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let key = format!("k{}", (x >> 16) % 13);
            if (x >> 8).is_multiple_of(3) {
                assert_eq!(small.remove(key.as_str()), reference.remove(&key));
            } else {
                assert_eq!(small.insert(key.clone(), step), reference.insert(key, step));
            }
            assert_eq!(small.len(), reference.len());
            for (k, v) in &reference {
                assert_eq!(small.get(k.as_str()), Some(v));
            }
        }
        assert_eq!(small.get("absent"), None);
        if let Some(v) = small.get_mut("k1") {
            *v = 1000;
        }
        if let Some(v) = reference.get_mut("k1") {
            *v = 1000;
        }
        assert!(small.values().eq(reference.values()));
        small.clear();
        assert!(small.is_empty());
    }
}
