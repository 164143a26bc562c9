//! `OrgDirectory`: the organisation questions the approval engine asks, answered from a
//! snapshot of one tenant's org (loaded in a few queries, then pure and fast).

use std::collections::{HashMap, HashSet};

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::entities::{department, user, user_part_time, user_role};

/// What the directory knows of a user.
#[derive(Debug, Clone)]
pub struct UserFacts {
    pub department_id: Uuid,
    pub post_id: Option<Uuid>,
    pub supervisor_id: Option<Uuid>,
    pub roles: Vec<String>,
    pub active: bool,
}

/// What the directory knows of a department.
#[derive(Debug, Clone)]
pub struct DeptFacts {
    pub parent_id: Option<Uuid>,
    pub head_user_id: Option<Uuid>,
    pub leader_user_id: Option<Uuid>,
}

/// One tenant's organisation, in memory.
#[derive(Debug, Clone, Default)]
pub struct OrgSnapshot {
    pub users: HashMap<Uuid, UserFacts>,
    pub departments: HashMap<Uuid, DeptFacts>,
    /// (user, department, post) of part-time posts.
    pub part_time: Vec<(Uuid, Uuid, Option<Uuid>)>,
}

impl OrgSnapshot {
    /// Loads the snapshot of `tenant_id`.
    pub async fn load<C: ConnectionTrait>(db: &C, tenant_id: Uuid) -> Result<OrgSnapshot, DbErr> {
        let depts = department::Entity::find()
            .filter(department::Column::TenantId.eq(tenant_id))
            .all(db)
            .await?;
        let users = user::Entity::find()
            .filter(user::Column::TenantId.eq(tenant_id))
            .all(db)
            .await?;
        let roles = user_role::Entity::find()
            .filter(user_role::Column::TenantId.eq(tenant_id))
            .all(db)
            .await?;
        let pt = user_part_time::Entity::find()
            .filter(user_part_time::Column::TenantId.eq(tenant_id))
            .all(db)
            .await?;
        let mut role_map: HashMap<Uuid, Vec<String>> = HashMap::new();
        for r in roles {
            role_map.entry(r.user_id).or_default().push(r.role);
        }
        Ok(OrgSnapshot {
            departments: depts
                .into_iter()
                .map(|d| {
                    (
                        d.id,
                        DeptFacts {
                            parent_id: d.parent_id,
                            head_user_id: d.head_user_id,
                            leader_user_id: d.leader_user_id,
                        },
                    )
                })
                .collect(),
            users: users
                .into_iter()
                .map(|u| {
                    let roles = role_map.remove(&u.id).unwrap_or_default();
                    (
                        u.id,
                        UserFacts {
                            department_id: u.department_id,
                            post_id: u.post_id,
                            supervisor_id: u.supervisor_id,
                            roles,
                            active: u.status == "active",
                        },
                    )
                })
                .collect(),
            part_time: pt
                .into_iter()
                .map(|p| (p.user_id, p.department_id, p.post_id))
                .collect(),
        })
    }

    /// The direct supervisor (直属上级): the explicit one, else the head of the user's department,
    /// else (when the user heads it) the head of the nearest ancestor department with another head.
    pub fn supervisor_of(&self, user: Uuid) -> Option<Uuid> {
        let facts = self.users.get(&user)?;
        if let Some(s) = facts.supervisor_id.filter(|s| *s != user) {
            return Some(s);
        }
        let mut dept = Some(facts.department_id);
        let mut seen = HashSet::new();
        while let Some(d) = dept {
            if !seen.insert(d) {
                return None;
            }
            let df = self.departments.get(&d)?;
            if let Some(h) = df.head_user_id.filter(|h| *h != user) {
                return Some(h);
            }
            dept = df.parent_id;
        }
        None
    }

    /// Supervisors 1..=n levels up, level by level (层级: no level is ever skipped). Stops early
    /// at the top of the organisation or on a cycle in the supervisor data.
    pub fn supervisor_chain(&self, user: Uuid, n: usize) -> Vec<Uuid> {
        let mut out = Vec::with_capacity(n);
        let mut seen = HashSet::from([user]);
        let mut cur = user;
        while out.len() < n {
            match self.supervisor_of(cur) {
                Some(s) if seen.insert(s) => {
                    out.push(s);
                    cur = s;
                }
                _ => break,
            }
        }
        out
    }

    /// The head (部门负责人) of a department.
    pub fn department_head(&self, dept: Uuid) -> Option<Uuid> {
        self.departments.get(&dept)?.head_user_id
    }

    /// The leader in charge (分管领导) of a department, inherited from the nearest ancestor
    /// that has one.
    pub fn leader_in_charge(&self, dept: Uuid) -> Option<Uuid> {
        let mut cur = Some(dept);
        let mut seen = HashSet::new();
        while let Some(d) = cur {
            if !seen.insert(d) {
                return None;
            }
            let df = self.departments.get(&d)?;
            if df.leader_user_id.is_some() {
                return df.leader_user_id;
            }
            cur = df.parent_id;
        }
        None
    }

    /// `dept` and, when asked, every department below it.
    pub fn department_and_descendants(&self, dept: Uuid, include_sub: bool) -> HashSet<Uuid> {
        let mut out = HashSet::from([dept]);
        if !include_sub {
            return out;
        }
        let mut children: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (id, d) in &self.departments {
            if let Some(p) = d.parent_id {
                children.entry(p).or_default().push(*id);
            }
        }
        let mut stack = vec![dept];
        while let Some(d) = stack.pop() {
            for c in children.get(&d).into_iter().flatten() {
                if out.insert(*c) {
                    stack.push(*c);
                }
            }
        }
        out
    }

    /// Active members of a department (primary or part-time), optionally with sub-departments.
    pub fn members_of_department(&self, dept: Uuid, include_sub: bool) -> Vec<Uuid> {
        let depts = self.department_and_descendants(dept, include_sub);
        let mut out: Vec<Uuid> = self
            .users
            .iter()
            .filter(|(_, u)| u.active && depts.contains(&u.department_id))
            .map(|(id, _)| *id)
            .collect();
        for (u, d, _) in &self.part_time {
            if depts.contains(d) && self.users.get(u).is_some_and(|f| f.active) {
                out.push(*u);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Active holders of a post (primary or part-time).
    pub fn members_of_post(&self, post: Uuid) -> Vec<Uuid> {
        let mut out: Vec<Uuid> = self
            .users
            .iter()
            .filter(|(_, u)| u.active && u.post_id == Some(post))
            .map(|(id, _)| *id)
            .collect();
        for (u, _, p) in &self.part_time {
            if *p == Some(post) && self.users.get(u).is_some_and(|f| f.active) {
                out.push(*u);
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Active holders of a role.
    pub fn members_of_role(&self, role: &str) -> Vec<Uuid> {
        let mut out: Vec<Uuid> = self
            .users
            .iter()
            .filter(|(_, u)| u.active && (role == "member" || u.roles.iter().any(|r| r == role)))
            .map(|(id, _)| *id)
            .collect();
        out.sort();
        out
    }
}

fn uuid_of(id: &str) -> Option<Uuid> {
    Uuid::parse_str(id).ok()
}

fn engine_ids(ids: Vec<Uuid>) -> Vec<xietong_engine::UserId> {
    ids.into_iter()
        .map(|u| xietong_engine::UserId::from(u.to_string()))
        .collect()
}

/// The engine asks its questions through this: ids are the UUIDs as text, posts by id.
impl xietong_engine::OrgDirectory for OrgSnapshot {
    fn supervisor(&self, user: &xietong_engine::UserId) -> Option<xietong_engine::UserId> {
        self.supervisor_of(uuid_of(&user.to_string())?)
            .map(|u| u.to_string().into())
    }
    fn department_of(&self, user: &xietong_engine::UserId) -> Option<xietong_engine::DeptId> {
        self.users
            .get(&uuid_of(&user.to_string())?)
            .map(|u| u.department_id.to_string().into())
    }
    fn department_head(&self, dept: &xietong_engine::DeptId) -> Option<xietong_engine::UserId> {
        OrgSnapshot::department_head(self, uuid_of(&dept.to_string())?)
            .map(|u| u.to_string().into())
    }
    fn leader_in_charge(&self, dept: &xietong_engine::DeptId) -> Option<xietong_engine::UserId> {
        OrgSnapshot::leader_in_charge(self, uuid_of(&dept.to_string())?)
            .map(|u| u.to_string().into())
    }
    fn members_of_role(&self, role: &str) -> Vec<xietong_engine::UserId> {
        engine_ids(OrgSnapshot::members_of_role(self, role))
    }
    fn members_of_post(&self, post: &str) -> Vec<xietong_engine::UserId> {
        uuid_of(post)
            .map(|p| engine_ids(OrgSnapshot::members_of_post(self, p)))
            .unwrap_or_default()
    }
    fn members_of_department(
        &self,
        dept: &xietong_engine::DeptId,
        include_sub: bool,
    ) -> Vec<xietong_engine::UserId> {
        uuid_of(&dept.to_string())
            .map(|d| engine_ids(OrgSnapshot::members_of_department(self, d, include_sub)))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n + 1)
    }

    /// A random org: departments form a tree (parent index < own index), users sit in random
    /// departments, some departments have heads, some users have explicit supervisors.
    fn arb_org() -> impl Strategy<Value = OrgSnapshot> {
        (1usize..12, 1usize..40).prop_flat_map(|(nd, nu)| {
            (
                proptest::collection::vec(any::<prop::sample::Index>(), nd),
                proptest::collection::vec(any::<prop::sample::Index>(), nu),
                proptest::collection::vec(proptest::option::of(any::<prop::sample::Index>()), nd),
                proptest::collection::vec(proptest::option::of(any::<prop::sample::Index>()), nu),
            )
                .prop_map(move |(parents, user_depts, heads, sups)| {
                    let mut s = OrgSnapshot::default();
                    for i in 0..nd {
                        let parent = if i == 0 {
                            None
                        } else {
                            Some(id(1000 + parents[i].index(i) as u128))
                        };
                        s.departments.insert(
                            id(1000 + i as u128),
                            DeptFacts {
                                parent_id: parent,
                                head_user_id: heads[i].map(|h| id(h.index(nu) as u128)),
                                leader_user_id: None,
                            },
                        );
                    }
                    for u in 0..nu {
                        s.users.insert(
                            id(u as u128),
                            UserFacts {
                                department_id: id(1000 + user_depts[u].index(nd) as u128),
                                post_id: None,
                                supervisor_id: sups[u].map(|x| id(x.index(nu) as u128)),
                                roles: vec![],
                                active: true,
                            },
                        );
                    }
                    s
                })
        })
    }

    proptest! {
        #[test]
        fn supervisor_chain_never_skips_a_level(org in arb_org(), n in 1usize..10) {
            for user in org.users.keys() {
                let chain = org.supervisor_chain(*user, n);
                prop_assert!(chain.len() <= n);
                let mut prev = *user;
                for s in &chain {
                    prop_assert_eq!(org.supervisor_of(prev), Some(*s));
                    prev = *s;
                }
                let distinct: HashSet<_> = chain.iter().collect();
                prop_assert_eq!(distinct.len(), chain.len());
                prop_assert!(!chain.contains(user));
                // A chain shorter than asked ends at the top or where it would loop back.
                if chain.len() < n {
                    let next = org.supervisor_of(prev);
                    prop_assert!(next.is_none() || next == Some(*user) || chain.contains(&next.unwrap()));
                }
            }
        }
    }

    proptest! {
        #[test]
        fn engine_sees_the_same_supervisor_chain(org in arb_org(), n in 1u8..8) {
            for user in org.users.keys() {
                let ours: Vec<String> = org.supervisor_chain(*user, n as usize).iter().map(|u| u.to_string()).collect();
                let engine: Vec<String> = xietong_engine::OrgDirectory::supervisor_chain(&org, &user.to_string().into(), n)
                    .iter()
                    .map(|u| u.to_string())
                    .collect();
                prop_assert_eq!(ours, engine);
            }
        }
    }

    #[test]
    fn default_supervisor_is_department_head_or_parent_head_for_the_head() {
        let mut s = OrgSnapshot::default();
        let (root, sales) = (id(100), id(101));
        let (ceo, head, staff) = (id(1), id(2), id(3));
        s.departments.insert(
            root,
            DeptFacts {
                parent_id: None,
                head_user_id: Some(ceo),
                leader_user_id: Some(ceo),
            },
        );
        s.departments.insert(
            sales,
            DeptFacts {
                parent_id: Some(root),
                head_user_id: Some(head),
                leader_user_id: None,
            },
        );
        for (u, d) in [(ceo, root), (head, sales), (staff, sales)] {
            s.users.insert(
                u,
                UserFacts {
                    department_id: d,
                    post_id: None,
                    supervisor_id: None,
                    roles: vec![],
                    active: true,
                },
            );
        }
        assert_eq!(s.supervisor_of(staff), Some(head));
        assert_eq!(s.supervisor_of(head), Some(ceo));
        assert_eq!(s.supervisor_of(ceo), None);
        assert_eq!(s.supervisor_chain(staff, 5), vec![head, ceo]);
        assert_eq!(s.leader_in_charge(sales), Some(ceo));
        assert_eq!(s.members_of_department(root, true), vec![ceo, head, staff]);
        assert_eq!(s.members_of_department(root, false), vec![ceo]);
    }
}
