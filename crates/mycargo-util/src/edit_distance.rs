//! Edit distance for "a ... with a similar name exists" hints, measured as
//! cargo measures it: case-insensitive, with insertions, deletions,
//! substitutions and swaps of two adjacent characters each costing one
//! (the optimal string alignment distance), and suggestions only within
//! three edits.

/// The distance between `a` and `b`, ignoring case, or `None` when it is
/// above `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    // `b` is the shorter one, so the rows are short.
    let (a, b) = if a.len() < b.len() { (b, a) } else { (a, b) };
    let min_dist = a.len() - b.len();
    if min_dist > limit {
        return None;
    }
    if b.is_empty() {
        return Some(min_dist);
    }
    let mut prev_prev = vec![usize::MAX; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let substitution = usize::from(a[i - 1] != b[j - 1]);
            current[j] = (prev[j] + 1)
                .min(current[j - 1] + 1)
                .min(prev[j - 1] + substitution);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                current[j] = current[j].min(prev_prev[j - 2] + 1);
            }
        }
        std::mem::swap(&mut prev_prev, &mut prev);
        std::mem::swap(&mut prev, &mut current);
    }
    let distance = prev[b.len()];
    (distance <= limit).then_some(distance)
}

/// The candidate closest to `choice`, within three edits; of equally close
/// ones, the first.
pub fn closest<'a>(choice: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter_map(|c| Some((edit_distance(choice, c, 3)?, c)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("b", "a", 3), Some(1));
        assert_eq!(edit_distance("b", "foo", 3), Some(3));
        assert_eq!(edit_distance("kitten", "sitting", 3), Some(3));
        assert_eq!(edit_distance("abcdef", "x", 3), None);
        assert_eq!(edit_distance("", "abc", 3), Some(3));
        assert_eq!(edit_distance("abc", "", 2), None);
        assert_eq!(edit_distance("buidl", "build", 3), Some(1));
    }

    #[test]
    fn case_does_not_count() {
        assert_eq!(edit_distance("BUILD", "build", 0), Some(0));
        assert_eq!(closest("C", ["b", "c"]), Some("c"));
    }

    #[test]
    fn adjacent_swaps_cost_one() {
        // Plain Levenshtein says 4; cargo suggests `build` for `ubidl`.
        assert_eq!(edit_distance("ubidl", "build", 3), Some(2));
        assert_eq!(edit_distance("hcekc", "check", 3), Some(2));
        assert_eq!(edit_distance("ab", "ba", 3), Some(1));
    }

    #[test]
    fn closest_picks_the_nearest_then_the_first() {
        assert_eq!(closest("serd", ["serde", "rand"]), Some("serde"));
        assert_eq!(closest("buidl", ["bench", "build", "check"]), Some("build"));
        assert_eq!(closest("xyzzyq", ["build", "check"]), None);
        assert_eq!(closest("ab", ["ac", "ad"]), Some("ac"));
        assert_eq!(closest("x", Vec::<&str>::new()), None);
    }
}
