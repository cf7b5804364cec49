//! A URL's query read and changed with `URLSearchParams` semantics (what Clerk's code does with `url.searchParams`):
//! values are form-decoded, and any change re-serializes the whole query as `application/x-www-form-urlencoded`.

use reqwest::Url;

/// `searchParams.get(name)`: the first value of `name` (`Some` also means `has(name)`). Only a pair whose name matches
/// has its value decoded, and a name is decoded only when it has something to decode (`%` or `+`): the request
/// decision asks for a few `__clerk_*` names on every request, and most queries have none of them.
pub fn get(url: &Url, name: &str) -> Option<String> {
    let query = url.query()?;
    query.split('&').filter(|pair| !pair.is_empty()).find_map(|pair| {
        let raw_name = pair.split('=').next().unwrap_or(pair);
        let matches = if raw_name.contains(['%', '+']) {
            form_urlencoded::parse(raw_name.as_bytes()).next().is_some_and(|(k, _)| k == name)
        } else {
            raw_name == name
        };
        // The whole pair through the same decoder `query_pairs` uses, so the value is exactly its value.
        matches.then(|| form_urlencoded::parse(pair.as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default())
    })
}

/// `searchParams.delete(name)` for each of `names`. A URL without a query is left as it is; a query left empty is
/// dropped.
pub fn without(url: &Url, names: &[&str]) -> Url {
    if url.query().is_none() {
        return url.clone();
    }
    rewritten(url, |k| !names.contains(&k), None)
}

/// `searchParams.append(name, value)`.
pub fn with_appended(url: &Url, name: &str, value: &str) -> Url {
    rewritten(url, |_| true, Some((name, value)))
}

/// `searchParams.set(name, value)`: the first pair of that name takes the value in place, the others go; without
/// one, the pair is appended.
pub fn with_set(url: &Url, name: &str, value: &str) -> Url {
    let mut seen = false;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (k, v) in url.query_pairs() {
        if k == name {
            if !seen {
                pairs.push((k.into_owned(), value.to_owned()));
                seen = true;
            }
        } else {
            pairs.push((k.into_owned(), v.into_owned()));
        }
    }
    if !seen {
        pairs.push((name.to_owned(), value.to_owned()));
    }
    let mut out = url.clone();
    out.query_pairs_mut().clear().extend_pairs(pairs);
    out
}

/// The URL with the pairs whose name `keep`s, then `add`, serialized again.
fn rewritten(url: &Url, keep: impl Fn(&str) -> bool, add: Option<(&str, &str)>) -> Url {
    let mut pairs: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| keep(k)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if let Some((name, value)) = add {
        pairs.push((name.to_owned(), value.to_owned()));
    }
    let mut out = url.clone();
    if pairs.is_empty() {
        out.set_query(None);
    } else {
        out.query_pairs_mut().clear().extend_pairs(pairs);
    }
    out
}
