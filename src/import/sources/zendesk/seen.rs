//! The ticket ids read so far, to count a ticket that appears twice once.
//!
//! Ticket ids are usually numbered in sequence, so they fill dense ranges, which a roaring bitmap
//! keeps in about one bit per id. Inserting into the bitmap searches its containers on every id.
//! So the ids of one block of 65536, where the last ids went, are kept in a plain bitset in front
//! of it, which an insert changes with one bit operation.

use roaring::{RoaringBitmap, RoaringTreemap};

/// Ids in a block: the block of an id is `id >> BLOCK_BITS`.
const BLOCK_BITS: u32 = 16;

/// Words of the bitset.
const WORDS: usize = 1 << (BLOCK_BITS - 6);

/// Ids in a row in one block other than the bitset's that move the bitset to that block. Moving
/// copies the 8 KiB bitset into the bitmap, so ids that alternate between blocks must not move it
/// on every id.
const MOVE_AFTER: u32 = 64;

/// Ids of its new block that the bitset takes over from the bitmap when it moves, at most. With
/// more, an insert into the bitset also checks the bitmap.
const TAKE_OVER: usize = 256;

/// A set of ticket ids.
pub(super) struct SeenIds {
    /// Every id, except ids of the bitset's block inserted since the bitset moved there.
    bitmap: RoaringTreemap,
    /// The block whose ids `bits` contains, and whether `bitmap` contains ids of that block too.
    block: Option<(u64, bool)>,
    bits: Box<[u64; WORDS]>,
    /// The last block other than the bitset's that an id went to, and how many ids in a row
    /// went there.
    other: (u64, u32),
}

impl Default for SeenIds {
    fn default() -> Self {
        SeenIds {
            bitmap: RoaringTreemap::new(),
            block: None,
            bits: Box::new([0; WORDS]),
            other: (0, 0),
        }
    }
}

impl SeenIds {
    /// Adds `id`, and returns whether the set did not have it.
    pub fn insert(&mut self, id: u64) -> bool {
        let block = id >> BLOCK_BITS;
        match self.block {
            Some((current, _)) if current == block => self.other.1 = 0,
            _ => {
                let streak = if self.other.0 == block {
                    self.other.1 + 1
                } else {
                    1
                };
                self.other = (block, streak);
                if self.block.is_some() && streak < MOVE_AFTER {
                    return self.bitmap.insert(id);
                }
                self.move_to(block);
            }
        }
        let new = self.set_bit(id);
        let shared = self.block.is_some_and(|(_, shared)| shared);
        new && !(shared && self.bitmap.contains(id))
    }

    /// Sets the bit of `id`, which is in the bitset's block, and returns whether it was clear.
    fn set_bit(&mut self, id: u64) -> bool {
        let bit = id & ((1 << BLOCK_BITS) - 1);
        let word = &mut self.bits[usize::try_from(bit >> 6).expect("a bit index below 2^16")];
        let mask = 1 << (bit & 63);
        let clear = *word & mask == 0;
        *word |= mask;
        clear
    }

    /// Moves the ids of the bitset to the bitmap, and the bitset to `block`, taking over the ids
    /// of `block` from the bitmap unless there are more than [`TAKE_OVER`].
    fn move_to(&mut self, block: u64) {
        if let Some((current, _)) = self.block {
            if self.bits.iter().any(|word| *word != 0) {
                let bytes: Vec<u8> = self
                    .bits
                    .iter()
                    .flat_map(|word| word.to_le_bytes())
                    .collect();
                let (high, low) = split(current << BLOCK_BITS);
                let ids = RoaringBitmap::from_lsb0_bytes(low, &bytes);
                self.bitmap |= RoaringTreemap::from_bitmaps([(high, ids)]);
            }
        }
        self.bits.fill(0);
        let start = block << BLOCK_BITS;
        let mut ids = self.bitmap.iter();
        ids.advance_to(start);
        let found: Vec<u64> = ids
            .take_while(|id| id >> BLOCK_BITS == block)
            .take(TAKE_OVER + 1)
            .collect();
        self.block = Some((block, true));
        if found.len() <= TAKE_OVER {
            for id in found {
                self.set_bit(id);
            }
            self.bitmap
                .remove_range(start..=start | ((1 << BLOCK_BITS) - 1));
            self.block = Some((block, false));
        }
    }
}

/// Splits an id into the upper and lower 32 bits, as [`RoaringTreemap`] keys its bitmaps.
fn split(id: u64) -> (u32, u32) {
    let high = u32::try_from(id >> 32).expect("the upper 32 bits fit in u32");
    let low = u32::try_from(id & u64::from(u32::MAX)).expect("the lower 32 bits fit in u32");
    (high, low)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// Inserts `ids` into a [`SeenIds`] and a `HashSet`, and checks that they agree on each.
    fn check(name: &str, ids: impl IntoIterator<Item = u64>) {
        let mut seen = SeenIds::default();
        let mut expected = HashSet::new();
        for (n, id) in ids.into_iter().enumerate() {
            assert_eq!(
                seen.insert(id),
                expected.insert(id),
                "{name}: id {id} at {n}"
            );
        }
    }

    #[test]
    fn ids_in_every_order() {
        let block = 1u64 << BLOCK_BITS;

        check("ascending", 100_000..400_000);
        check("descending", (100_000..400_000).rev());
        check("ascending twice", (0..3 * block).chain(0..3 * block));
        check(
            "descending then ascending",
            (0..3 * block).rev().chain(block / 2..2 * block),
        );

        // A multiplicative hash spreads the ids over many blocks, with repeats.
        check(
            "scattered",
            (0..200_000u64).map(|n| n.wrapping_mul(2_654_435_761) % (40 * block)),
        );

        // Ids in four blocks in turn go to the bitmap. A streak in one block moves the bitset
        // there, then a streak in one of the four moves it to a block with ids in the bitmap,
        // which it takes over, and the ids of the four come again.
        let turns = (0..2000u64).map(|n| (n % 4) * 10 * block + n);
        let streak = (0..100u64).map(|n| 20 * block + n);
        let taken_over = (0..100u64).map(|n| 10 * block + n * 9);
        check(
            "streaks",
            turns.clone().chain(streak).chain(taken_over).chain(turns),
        );

        // Ids that alternate between two blocks go to the bitmap, more than the bitset takes
        // over, so after a streak moves it there an insert checks the bitmap too.
        let alternate = (0..1000u64).map(|n| (40 + n % 2 * 10) * block + n);
        let revisit = (0..700u64).map(|n| 40 * block + n);
        check(
            "shared block",
            [0].into_iter()
                .chain(alternate)
                .chain(revisit.clone())
                .chain(revisit),
        );
        check(
            "alternating blocks",
            (0..20_000u64).map(|n| (n % 2) * block + n / 2),
        );

        check(
            "largest ids",
            (u64::MAX - 3 * block..=u64::MAX).chain([u64::MAX, 0, u64::MAX - block]),
        );
        check("mixed", (0..50_000u64).flat_map(|n| [n, n * 7 % 90_001, n]));
    }
}
