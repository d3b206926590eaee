//! Auto-pagination: every item of a listing as a stream, fetched page by page only as the
//! consumer asks for more. The generated `.stream()` of a paginated operation says how to fetch
//! one page; this type decides which page comes next and when to stop: on an empty page, on a
//! page shorter than the page size, when the cursor runs out, or on the first error. Each listing
//! is one tracing span (`pagination`), the parent of its pages' request spans.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

#[doc(hidden)]
/// Which page to fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Position {
    /// A page number (page/size style).
    Page(i64),
    /// How many items to skip (offset/limit style).
    Offset(i64),
    /// The server's cursor; `None` for the first page (cursor style).
    Cursor(Option<String>),
}

#[doc(hidden)]
/// One fetched page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The cursor of the next page, for cursor-style listings.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    pub fn new(items: Vec<T>) -> Self {
        Page {
            items,
            next_cursor: None,
        }
    }
}

#[doc(hidden)]
/// A page number or offset as the type the operation's parameter has (typify makes `minimum: 1`
/// a `NonZeroU64`); `None` when the number does not fit it.
pub trait FromPosition: Sized {
    fn from_position(n: i64) -> Option<Self>;
}

macro_rules! from_position {
    ($($t:ty),*) => {$(
        impl FromPosition for $t {
            fn from_position(n: i64) -> Option<Self> {
                n.try_into().ok()
            }
        }
    )*};
}

macro_rules! from_position_non_zero {
    ($($t:ty => $inner:ty),*) => {$(
        impl FromPosition for $t {
            fn from_position(n: i64) -> Option<Self> {
                <$inner>::try_from(n).ok().and_then(<$t>::new)
            }
        }
    )*};
}

from_position!(i64, i32, u64, u32, isize, usize);
from_position_non_zero!(
    std::num::NonZeroU64 => u64,
    std::num::NonZeroU32 => u32,
    std::num::NonZeroI64 => i64,
    std::num::NonZeroUsize => usize
);

#[doc(hidden)]
/// The next page's cursor at `pointer` in a response, as text (servers send strings or numbers).
/// Absent or null ends the listing; any other value ends it too, but traced as a warning: the
/// declared cursor pointer is then wrong and the listing may be cut short.
pub fn cursor_at<T: serde::Serialize>(response: &T, pointer: &str) -> Option<String> {
    let value = match serde_json::to_value(response) {
        Ok(value) => value,
        Err(error) => {
            tracing::warn!(%error, "response not readable for its next-page cursor");
            return None;
        }
    };
    match value.pointer(pointer)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Null => None,
        other => {
            tracing::warn!(pointer, cursor = %other, "next-page cursor is neither text nor a number");
            None
        }
    }
}

type Fetch<'a, T, E> = Box<dyn FnMut(Position) -> PageFuture<'a, T, E> + Send + 'a>;
type PageFuture<'a, T, E> = Pin<Box<dyn Future<Output = Result<Page<T>, E>> + Send + 'a>>;

/// The items of every page, in order. A [`Stream`]; [`Paginated::next`] and
/// [`Paginated::collect_up_to`] serve callers that do not use a stream library.
pub struct Paginated<'a, T, E> {
    next: Option<Position>,
    page_size: Option<usize>,
    buffered: VecDeque<T>,
    fetch: Fetch<'a, T, E>,
    in_flight: Option<PageFuture<'a, T, E>>,
    /// The listing's span, entered while a page is fetched; counts pages and items.
    span: tracing::Span,
    pages: u32,
    items: u64,
}

impl<'a, T, E> Paginated<'a, T, E> {
    #[doc(hidden)]
    /// Starts at `first`; a page with fewer than `page_size` items is the last one. Generated
    /// `.stream()`s call [`Paginated::for_operation`], whose span names the operation.
    pub fn new<F, Fut>(first: Position, page_size: Option<usize>, fetch: F) -> Self
    where
        F: FnMut(Position) -> Fut + Send + 'a,
        Fut: Future<Output = Result<Page<T>, E>> + Send + 'a,
    {
        let span = tracing::info_span!(
            "pagination",
            operation = tracing::field::Empty,
            pages = tracing::field::Empty,
            items = tracing::field::Empty,
        );
        Self::in_span(span, first, page_size, fetch)
    }

    #[doc(hidden)]
    /// [`Paginated::new`] in a span naming the listing's `operation` (`list_avatars`): it
    /// records how many pages and items were fetched, and each page's `http_request` span is
    /// its child, so a slow listing shows which page took the time.
    pub fn for_operation<F, Fut>(
        operation: &'static str,
        first: Position,
        page_size: Option<usize>,
        fetch: F,
    ) -> Self
    where
        F: FnMut(Position) -> Fut + Send + 'a,
        Fut: Future<Output = Result<Page<T>, E>> + Send + 'a,
    {
        let span = tracing::info_span!(
            "pagination",
            operation,
            pages = tracing::field::Empty,
            items = tracing::field::Empty,
        );
        Self::in_span(span, first, page_size, fetch)
    }

    fn in_span<F, Fut>(
        span: tracing::Span,
        first: Position,
        page_size: Option<usize>,
        mut fetch: F,
    ) -> Self
    where
        F: FnMut(Position) -> Fut + Send + 'a,
        Fut: Future<Output = Result<Page<T>, E>> + Send + 'a,
    {
        Paginated {
            next: Some(first),
            page_size,
            buffered: VecDeque::new(),
            fetch: Box::new(move |position| Box::pin(fetch(position))),
            in_flight: None,
            span,
            pages: 0,
            items: 0,
        }
    }

    /// The next item, fetching the next page when the current one is used up; `None` at the end.
    pub async fn next(&mut self) -> Option<Result<T, E>>
    where
        T: Unpin,
    {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// At most `max` items (fetching no page beyond them); the first error ends the listing.
    pub async fn collect_up_to(mut self, max: usize) -> Result<Vec<T>, E>
    where
        T: Unpin,
    {
        let mut items = Vec::new();
        while items.len() < max {
            match self.next().await {
                Some(item) => items.push(item?),
                None => break,
            }
        }
        Ok(items)
    }

    /// What comes after `page`, fetched at `position`; `None` when `page` was the last.
    fn after(&self, position: &Position, page: &Page<T>) -> Option<Position> {
        let count = page.items.len();
        let short = self.page_size.is_some_and(|size| count < size);
        if count == 0 || short {
            return None;
        }
        match position {
            Position::Page(n) => Some(Position::Page(n + 1)),
            Position::Offset(o) => Some(Position::Offset(o + count as i64)),
            Position::Cursor(_) => page
                .next_cursor
                .clone()
                .filter(|c| !c.is_empty())
                .map(|c| Position::Cursor(Some(c))),
        }
    }
}

impl<T: Unpin, E> Stream for Paginated<'_, T, E> {
    type Item = Result<T, E>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            // Entered for the fetch only (created and polled inside it), never across a
            // return: the consumer's own work between items is not the listing's.
            let entered = this.span.enter();
            if this.in_flight.is_none() {
                let Some(position) = this.next.clone() else {
                    return Poll::Ready(None);
                };
                this.in_flight = Some((this.fetch)(position));
            }
            let Some(future) = this.in_flight.as_mut() else {
                return Poll::Ready(None);
            };
            let result = match future.as_mut().poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(result) => result,
            };
            drop(entered);
            this.in_flight = None;
            if let Ok(page) = &result {
                this.pages += 1;
                this.items += page.items.len() as u64;
                this.span.record("pages", this.pages);
                this.span.record("items", this.items);
            }
            let position = this.next.take();
            match result {
                Err(e) => return Poll::Ready(Some(Err(e))),
                Ok(page) => {
                    this.next = position.and_then(|p| this.after(&p, &page));
                    this.buffered.extend(page.items);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// Serves `pages` (by position index) and records what was asked for.
    fn listing(
        first: Position,
        size: Option<usize>,
        pages: Vec<Page<u32>>,
    ) -> (Paginated<'static, u32, String>, Arc<Mutex<Vec<Position>>>) {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let log = asked.clone();
        let stream = Paginated::new(first, size, move |position: Position| {
            let mut log = log.lock().unwrap();
            log.push(position.clone());
            let page = pages
                .get(log.len() - 1)
                .cloned()
                .ok_or_else(|| format!("no page {position:?}"));
            async move { page }
        });
        (stream, asked)
    }

    #[test]
    fn positions_convert_to_the_parameter_type_or_not_at_all() {
        assert_eq!(
            <std::num::NonZeroU64 as FromPosition>::from_position(3).map(|n| n.get()),
            Some(3)
        );
        assert_eq!(
            <std::num::NonZeroU64 as FromPosition>::from_position(0),
            None
        );
        assert_eq!(<u32 as FromPosition>::from_position(-1), None);
        assert_eq!(<i64 as FromPosition>::from_position(7), Some(7));
    }

    #[test]
    fn cursors_are_read_as_text_from_strings_and_numbers() {
        let response = serde_json::json!({"meta": {"next": "abc", "n": 7, "none": null}});
        assert_eq!(cursor_at(&response, "/meta/next").as_deref(), Some("abc"));
        assert_eq!(cursor_at(&response, "/meta/n").as_deref(), Some("7"));
        assert_eq!(cursor_at(&response, "/meta/none"), None);
        assert_eq!(cursor_at(&response, "/missing"), None);
    }

    #[tokio::test]
    async fn page_numbers_advance_until_a_short_page() {
        let (stream, asked) = listing(
            Position::Page(1),
            Some(2),
            vec![
                Page::new(vec![1, 2]),
                Page::new(vec![3, 4]),
                Page::new(vec![5]),
            ],
        );
        assert_eq!(stream.collect_up_to(100).await.unwrap(), [1, 2, 3, 4, 5]);
        assert_eq!(
            *asked.lock().unwrap(),
            [Position::Page(1), Position::Page(2), Position::Page(3)]
        );
    }

    #[tokio::test]
    async fn offsets_advance_by_the_items_seen_until_an_empty_page() {
        let (stream, asked) = listing(
            Position::Offset(0),
            None,
            vec![
                Page::new(vec![1, 2, 3]),
                Page::new(vec![4]),
                Page::new(vec![]),
            ],
        );
        assert_eq!(stream.collect_up_to(100).await.unwrap(), [1, 2, 3, 4]);
        assert_eq!(
            *asked.lock().unwrap(),
            [
                Position::Offset(0),
                Position::Offset(3),
                Position::Offset(4)
            ]
        );
    }

    #[tokio::test]
    async fn cursors_are_followed_until_none_is_given() {
        let page = |items: Vec<u32>, next: Option<&str>| Page {
            items,
            next_cursor: next.map(str::to_string),
        };
        let (stream, asked) = listing(
            Position::Cursor(None),
            None,
            vec![
                page(vec![1], Some("b")),
                page(vec![2], Some("")),
                page(vec![9], None),
            ],
        );
        assert_eq!(stream.collect_up_to(100).await.unwrap(), [1, 2]);
        assert_eq!(
            *asked.lock().unwrap(),
            [Position::Cursor(None), Position::Cursor(Some("b".into()))]
        );
    }

    #[tokio::test]
    async fn a_cap_fetches_no_page_beyond_it_and_errors_end_the_listing() {
        let (stream, asked) = listing(
            Position::Page(1),
            Some(2),
            vec![Page::new(vec![1, 2]), Page::new(vec![3, 4])],
        );
        assert_eq!(stream.collect_up_to(2).await.unwrap(), [1, 2]);
        assert_eq!(
            asked.lock().unwrap().len(),
            1,
            "the second page is never fetched"
        );
        let (mut stream, _) = listing(Position::Page(1), Some(1), vec![Page::new(vec![1])]);
        assert_eq!(stream.next().await, Some(Ok(1)));
        assert!(matches!(stream.next().await, Some(Err(e)) if e.contains("no page")));
        assert_eq!(stream.next().await, None, "nothing after an error");
    }
}
