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
