//! `.stream()` on the builder of every paginated operation: the items of every page as a
//! `openapi_sdk_runtime::Paginated`, each page fetched with the operation's own `send` (retries,
//! envelope and errors as for one call) only when the consumer reaches it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::extensions::PaginationStyle;
use crate::model::SdkModel;

pub fn emit(model: &SdkModel) -> TokenStream {
    let mut out = TokenStream::new();
    for p in &model.paginated {
        let op = &model.operations[p.operation];
        let builder = format_ident!("{}", op.builder);
        let (item, err) = (&p.item, &op.err);
        let param = format_ident!("{}", p.parameter);
        let param_ty = &p.parameter_type;
        // A number that does not fit the parameter's type (never, for real page numbers) leaves
        // the parameter unset rather than panic.
        let numbered = quote! {
            ::openapi_sdk_runtime::__private::Position::Page(n) | ::openapi_sdk_runtime::__private::Position::Offset(n) => {
                match <#param_ty as ::openapi_sdk_runtime::__private::FromPosition>::from_position(n) {
                    Some(value) => request.#param(value),
                    None => request,
                }
            }
            ::openapi_sdk_runtime::__private::Position::Cursor(_) => request,
        };
        let (first, select) = match p.style {
            PaginationStyle::Page => {
                let first = p.first_page;
                (
                    quote!(::openapi_sdk_runtime::__private::Position::Page(#first)),
                    numbered,
                )
            }
            PaginationStyle::Offset => (
                quote!(::openapi_sdk_runtime::__private::Position::Offset(0)),
                numbered,
            ),
            PaginationStyle::Cursor => (
                quote!(::openapi_sdk_runtime::__private::Position::Cursor(None)),
                quote! {
                    ::openapi_sdk_runtime::__private::Position::Cursor(Some(cursor)) => request.#param(cursor),
                    _ => request,
                },
            ),
        };
        let (page_size, set_size) = match &p.size {
            Some((setter, size)) => {
                let setter = format_ident!("{setter}");
                let threshold = usize::try_from(*size).unwrap_or(usize::MAX);
                (
                    quote!(Some(#threshold)),
                    quote!(let request = request.#setter(#size);),
                )
            }
            None => (quote!(None), TokenStream::new()),
        };
        let next_cursor = match &p.next_cursor {
            Some(pointer) => {
                quote!(::openapi_sdk_runtime::__private::cursor_at(&response, #pointer))
            }
            None => quote!(None),
        };
        let steps = p.access.iter().map(|(field, optional)| {
            let field = format_ident!("{field}");
            if *optional {
                quote! {
                    let Some(items) = items.#field else {
                        return Ok(::openapi_sdk_runtime::__private::Page { items: Vec::new(), next_cursor });
                    };
                }
            } else {
                quote!(let items = items.#field;)
            }
        });
        let size_doc = match &p.size {
            Some((_, size)) => {
                format!(" Pages of {size} are asked for; a shorter page is the last.")
            }
            None => String::new(),
        };
        let doc = format!(
            "Every item of every page of [`Client::{}`], fetched one page at a time as the stream is read (with `next().await`, `collect_up_to(max)` or as a `futures::Stream`); it ends after the last page or the first error.{size_doc} The page selection set on this builder is replaced by the stream's.",
            op.method
        );
        // The listing span names the operation as the client method a user calls.
        let operation_name = op.method.to_string();
        out.extend(quote! {
            impl<'a> builder::#builder<'a> {
                #[doc = #doc]
                pub fn stream(self) -> ::openapi_sdk_runtime::Paginated<'a, #item, ::openapi_sdk_runtime::Error<#err>> {
                    ::openapi_sdk_runtime::Paginated::for_operation(#operation_name, #first, #page_size, move |position: ::openapi_sdk_runtime::__private::Position| {
                        let request = self.clone();
                        let request = match position { #select };
                        #set_size
                        async move {
                            let response = request.send().await?.into_inner();
                            let next_cursor: Option<String> = #next_cursor;
                            let items = response;
                            #(#steps)*
                            Ok(::openapi_sdk_runtime::__private::Page { items, next_cursor })
                        }
                    })
                }
            }
        });
    }
    out
}
