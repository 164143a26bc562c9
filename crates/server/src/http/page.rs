//! The one pagination style: `?page=1&page_size=20` → `{items,total,page,page_size}`.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{AppError, Text};

/// Page request.
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1-based page number (default 1).
    pub page: Option<u64>,
    /// Rows per page (default 20, at most 200).
    pub page_size: Option<u64>,
}

impl PageQuery {
    /// Validated (page, page_size).
    pub fn resolve(self) -> Result<(u64, u64), AppError> {
        let page = self.page.unwrap_or(1);
        let size = self.page_size.unwrap_or(20);
        if page == 0 || page > 1_000_000 || size == 0 || size > 200 {
            return Err(AppError::bad_request(
                "request.invalid_page",
                Text::fixed(
                    "分页参数无效：page ≥ 1，1 ≤ page_size ≤ 200",
                    "Invalid paging: page ≥ 1 and 1 ≤ page_size ≤ 200",
                ),
            ));
        }
        Ok((page, size))
    }
}

/// One page of results.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

impl PageQuery {
    /// The page of `q` this query asks for, with the total: the count and the page's rows, read
    /// with `q`'s order. Refuses bad paging like `resolve`.
    pub async fn fetch<E, C>(
        self,
        db: &C,
        q: sea_orm::Select<E>,
    ) -> Result<Page<E::Model>, AppError>
    where
        E: sea_orm::EntityTrait,
        E::Model: Sync,
        C: sea_orm::ConnectionTrait,
    {
        use sea_orm::{PaginatorTrait, QuerySelect};
        let (page, page_size) = self.resolve()?;
        let total = q.clone().count(db).await?;
        let items = q
            .offset((page - 1) * page_size)
            .limit(page_size)
            .all(db)
            .await?;
        Ok(Page {
            items,
            total,
            page,
            page_size,
        })
    }
}

impl<T> Page<T> {
    /// The same page with its items turned into something else.
    pub fn with_items<U>(self, items: Vec<U>) -> Page<U> {
        Page {
            items,
            total: self.total,
            page: self.page,
            page_size: self.page_size,
        }
    }
}
