//! Edit distance for "a feature with a similar name exists" hints.

/// Case-insensitive Levenshtein distance, or `None` when above `limit`.
pub fn edit_distance(a: &str, b: &str, limit: usize) -> Option<usize> {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let (n, m) = (a.len(), b.len());
    let min_dist = n.abs_diff(m);
    if min_dist > limit {
        return None;
    }
    if n == 0 || m == 0 {
        return Some(min_dist);
    }
    let mut dcol: Vec<usize> = (0..=m).collect();
    for (i, sc) in a.iter().enumerate() {
        let mut current = i;
        dcol[0] = current + 1;
        for (j, tc) in b.iter().enumerate() {
            let next = dcol[j + 1];
            if sc == tc {
                dcol[j + 1] = current;
            } else {
                dcol[j + 1] = current.min(next).min(dcol[j]) + 1;
            }
            current = next;
        }
    }
    (dcol[m] <= limit).then_some(dcol[m])
}

/// The candidate closest to `choice` within distance 3.
pub fn closest<'a>(choice: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter_map(|c| Some((edit_distance(choice, c, 3)?, c)))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// cargo's `\n\nhelp: a {kind} with a similar name exists: `x``, or nothing.
pub fn closest_msg<'a>(
    choice: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    kind: &str,
) -> String {
    match closest(choice, candidates) {
        Some(c) => format!("\n\nhelp: a {kind} with a similar name exists: `{c}`"),
        None => String::new(),
    }
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
        assert_eq!(closest("serd", ["serde", "rand"]), Some("serde"));
        assert_eq!(closest_msg("zzzzzz", ["a"], "feature"), "");
    }
}
