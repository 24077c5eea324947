//! A hash map from strings to values that keeps each value beside its key's bytes, for the values
//! of a column that names an account (organizations, domains), looked up once per row.
//!
//! `FxHashMap<String, V>` keeps each key in its own allocation, so a lookup reads a bucket, then
//! the key's bytes elsewhere, then whatever the value points to. When rows name their keys in no
//! order and the file streams through the CPU cache between two rows of one key, each of those
//! reads misses the cache. Here a lookup reads an 8-byte slot and one entry that contains the key
//! (when it has at most [`INLINE`] bytes) and the value.

use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

/// Bytes of a key kept in its entry. Longer keys are kept in a shared buffer.
const INLINE: usize = 40;

/// A map from strings to values, where each key has a position: 0 for the first key inserted,
/// 1 for the next, and so on.
#[derive(Debug)]
pub struct KeyMap<V> {
    /// Open-addressing table with linear probing. A slot contains the upper 32 bits of its key's
    /// hash and the key's position plus one, or 0 when it is empty. Its length is a power of two
    /// of at least twice the number of keys.
    slots: Vec<u64>,
    /// By position.
    entries: Vec<Entry<V>>,
    /// The keys longer than [`INLINE`] bytes, one after another.
    long_keys: String,
}

/// A key and its value. Entries start on a cache line, and an entry with a value of up to 80
/// bytes spans at most two lines. The key comes first, so that a lookup reads one line for it and
/// the first 16 bytes of the value.
#[derive(Debug)]
#[repr(C, align(64))]
struct Entry<V> {
    /// The key's length in bytes.
    len: u32,
    /// The key's offset in `long_keys`, for a key longer than [`INLINE`] bytes.
    start: u32,
    /// The key, for a key of at most [`INLINE`] bytes.
    inline: [u8; INLINE],
    value: V,
}

impl<V> Default for KeyMap<V> {
    fn default() -> Self {
        KeyMap {
            slots: vec![0; 16],
            entries: Vec::new(),
            long_keys: String::new(),
        }
    }
}

impl<V> KeyMap<V> {
    /// Returns the hash of `key` that [`KeyMap::find_hashed`] takes.
    pub fn hash(key: &str) -> u64 {
        FxBuildHasher.hash_one(key)
    }

    /// Returns the position of `key`, if the map has it.
    pub fn find(&self, key: &str) -> Option<usize> {
        self.find_hashed(key, Self::hash(key))
    }

    /// Returns the position of `key`, whose [`KeyMap::hash`] is `hash`, if the map has it.
    pub fn find_hashed(&self, key: &str, hash: u64) -> Option<usize> {
        let tag = hash >> 32;
        let mask = self.slots.len() - 1;
        let mut slot = first_slot(hash, mask);
        loop {
            let stored = self.slots[slot];
            if stored == 0 {
                return None;
            }
            if stored >> 32 == tag {
                let position = slot_position(stored);
                if self.is_key(position, key) {
                    return Some(position);
                }
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Adds `key`, which the map must not have yet, with `value`, and returns its position.
    pub fn insert(&mut self, key: &str, value: V) -> usize {
        debug_assert!(self.find(key).is_none(), "`{key}` is in the map already");
        if (self.entries.len() + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let position = self.entries.len();
        let mut entry = Entry {
            len: u32::try_from(key.len()).expect("a key of less than 4 GiB"),
            start: 0,
            inline: [0; INLINE],
            value,
        };
        if key.len() <= INLINE {
            entry.inline[..key.len()].copy_from_slice(key.as_bytes());
        } else {
            entry.start = u32::try_from(self.long_keys.len()).expect("less than 4 GiB of keys");
            self.long_keys.push_str(key);
        }
        self.entries.push(entry);
        self.place(FxBuildHasher.hash_one(key), position);
        position
    }

    /// Checks whether the key at `position` is `key`.
    pub fn is_key(&self, position: usize, key: &str) -> bool {
        self.key_bytes(position) == key.as_bytes()
    }

    /// Returns the key at `position`.
    pub fn key(&self, position: usize) -> &str {
        // The bytes were copied from a `str`, whole, so they are valid UTF-8.
        std::str::from_utf8(self.key_bytes(position)).unwrap_or_default()
    }

    fn key_bytes(&self, position: usize) -> &[u8] {
        let entry = &self.entries[position];
        let len = entry.len as usize;
        if len <= INLINE {
            &entry.inline[..len]
        } else {
            let start = entry.start as usize;
            &self.long_keys.as_bytes()[start..start + len]
        }
    }

    /// Returns the number of keys, which is the position of the next one inserted.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Returns the value of the key at `position`.
    pub fn value(&self, position: usize) -> &V {
        &self.entries[position].value
    }

    /// Returns the value of the key at `position`, to change it.
    pub fn value_mut(&mut self, position: usize) -> &mut V {
        &mut self.entries[position].value
    }

    /// Returns the keys and values in the order they were inserted.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        (0..self.entries.len()).map(|position| (self.key(position), self.value(position)))
    }

    /// Removes every key, keeping the memory for the next ones.
    pub fn clear(&mut self) {
        self.slots.fill(0);
        self.entries.clear();
        self.long_keys.clear();
    }

    /// Puts the key at `position`, whose hash is `hash`, into the first empty slot from its own.
    fn place(&mut self, hash: u64, position: usize) {
        let mask = self.slots.len() - 1;
        let mut slot = first_slot(hash, mask);
        while self.slots[slot] != 0 {
            slot = (slot + 1) & mask;
        }
        let stored = u32::try_from(position + 1).expect("fewer than 2^32 keys");
        self.slots[slot] = (hash >> 32 << 32) | u64::from(stored);
    }

    /// Doubles the table and places every key again.
    fn grow(&mut self) {
        self.slots = vec![0; self.slots.len() * 2];
        for position in 0..self.entries.len() {
            let hash = FxBuildHasher.hash_one(self.key(position));
            self.place(hash, position);
        }
    }
}

/// Returns the slot where the search for a key of hash `hash` starts.
fn first_slot(hash: u64, mask: usize) -> usize {
    #[allow(
        clippy::cast_possible_truncation,
        reason = "only the low bits that the mask keeps are used"
    )]
    let low = hash as usize;
    low & mask
}

/// Returns the key position stored in a non-empty slot.
fn slot_position(stored: u64) -> usize {
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the low 32 bits hold the position plus one"
    )]
    let stored = stored as u32;
    stored as usize - 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_found_after_growing() {
        let mut map = KeyMap::default();
        let keys: Vec<String> = (0..5000).map(|n| format!("Account {n}")).collect();
        for (n, key) in keys.iter().enumerate() {
            assert_eq!(map.insert(key, n * 10), n);
        }
        for (n, key) in keys.iter().enumerate() {
            assert_eq!(map.find(key), Some(n), "{key}");
            assert_eq!(map.key(n), key);
            assert_eq!(*map.value(n), n * 10);
        }
        assert_eq!(map.find("Account 5000"), None);
        assert_eq!(map.find("Account"), None);
        assert!(map.slots.len() >= 10_000);
    }

    #[test]
    fn short_long_and_prefix_keys() {
        let long = "L".repeat(INLINE);
        let longer = "L".repeat(INLINE + 1);
        let longest = format!("{longer}é");
        let keys = ["", "a", "ab", "abc", "é", "ée", &long, &longer, &longest];
        let mut map = KeyMap::default();
        for key in keys {
            map.insert(key, key.len());
        }
        for (position, key) in keys.iter().enumerate() {
            assert_eq!(map.find(key), Some(position), "{key:?}");
            assert_eq!(map.key(position), *key);
            assert!(map.is_key(position, key), "{key:?}");
            assert_eq!(*map.value(position), key.len());
        }
        assert!(!map.is_key(1, "ab"));
        assert_eq!(map.find("abcd"), None);
        assert_eq!(map.find("e"), None);
        assert_eq!(map.find(&"L".repeat(INLINE + 2)), None);
        let listed: Vec<&str> = map.iter().map(|(key, _)| key).collect();
        assert_eq!(listed, keys);
    }

    #[test]
    fn find_hashed_finds_inserted_keys() {
        let mut map = KeyMap::default();
        let keys: Vec<String> = (0..300).map(|n| format!("Account {n}")).collect();
        for key in &keys[..200] {
            map.insert(key, key.len());
        }
        for (n, key) in keys.iter().enumerate() {
            let found = map.find_hashed(key, KeyMap::<usize>::hash(key));
            assert_eq!(found, (n < 200).then_some(n), "{key}");
        }
    }

    #[test]
    fn values_change_in_place() {
        let mut map = KeyMap::default();
        let acme = map.insert("Acme", 1);
        *map.value_mut(acme) += 41;
        assert_eq!(*map.value(acme), 42);
    }

    #[test]
    fn clear_forgets_every_key() {
        let mut map = KeyMap::default();
        for n in 0..100 {
            map.insert(&format!("{n}{}", "x".repeat(INLINE)), n);
        }
        map.clear();
        assert_eq!(map.find(&format!("7{}", "x".repeat(INLINE))), None);
        assert_eq!(map.insert("7", 70), 0);
        assert_eq!(map.find("7"), Some(0));
        assert_eq!(*map.value(0), 70);
        assert_eq!(map.iter().count(), 1);
    }

    /// Returns two keys of the form `k{n}` whose hashes agree in the bits that `part` keeps.
    fn colliding_keys(part: impl Fn(u64) -> u64) -> (String, String) {
        let mut seen = std::collections::HashMap::new();
        for n in 0..10_000_000 {
            let key = format!("k{n}");
            let bits = part(FxBuildHasher.hash_one(key.as_str()));
            if let Some(earlier) = seen.insert(bits, key.clone()) {
                return (earlier, key);
            }
        }
        panic!("no collision found");
    }

    #[test]
    fn keys_sharing_a_first_slot() {
        let (first, second) = colliding_keys(|hash| hash & 15);
        let mut map = KeyMap::default();
        assert_eq!(map.slots.len(), 16);
        map.insert(&first, 1);
        map.insert(&second, 2);
        assert_eq!(map.find(&first), Some(0));
        assert_eq!(map.find(&second), Some(1));
    }

    #[test]
    fn keys_sharing_a_hash_tag() {
        let (first, second) = colliding_keys(|hash| hash >> 32);
        let mut map = KeyMap::default();
        map.insert(&first, 1);
        assert_eq!(map.find(&second), None);
        map.insert(&second, 2);
        assert_eq!(map.find(&first), Some(0));
        assert_eq!(map.find(&second), Some(1));
    }

    #[test]
    fn entries_start_on_a_cache_line() {
        assert_eq!(std::mem::align_of::<Entry<[u64; 10]>>(), 64);
        assert_eq!(std::mem::size_of::<Entry<[u64; 10]>>(), 128);
        assert_eq!(std::mem::size_of::<Entry<Option<usize>>>(), 64);
        assert_eq!(std::mem::offset_of!(Entry<[u64; 10]>, value), 48);
    }
}
