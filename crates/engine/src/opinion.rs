//! The opinion rules of REQUIREMENTS R5 (签批表态), checked before a decision is recorded.

use crate::definition::FlowDefinition;
use crate::history::Stance;
use crate::ids::{NodeId, UserId};
use crate::model::{Mode, TaskAction};
use crate::participants::OrgDirectory;
use crate::refusal::Refusal;
use crate::state::InstanceState;

/// Words that take a stance without saying what it is about.
const BARE_WORDS: [&str; 9] = [
    "同意",
    "不同意",
    "已阅",
    "agree",
    "disagree",
    "read",
    "ok",
    "yes",
    "no",
];

/// How far up the initiator's supervisor chain counts as "a superior".
const SUPERIOR_LEVELS: u8 = 16;

/// Checks a decision by `actor` on `node` against R5.
pub fn check(
    def: &FlowDefinition,
    st: &InstanceState,
    org: &dyn OrgDirectory,
    actor: &UserId,
    node: NodeId,
    stance: Stance,
    opinion: &str,
) -> Result<(), Refusal> {
    let cfg = def
        .node(node)
        .kind
        .user_node()
        .expect("decisions are taken on user nodes");
    let written = opinion.trim();
    if stance == Stance::Disagree && written.is_empty() {
        return Err(Refusal::ReasonRequired);
    }
    if stance == Stance::Read {
        if org
            .supervisor_chain(&st.initiator, SUPERIOR_LEVELS)
            .contains(actor)
        {
            return Err(Refusal::SuperiorMustTakeStance);
        }
        if written.is_empty() {
            // R5 (A): the last node, and only when no node can still be added after it
            let last = def.is_last[node.index()] && !cfg.actions.allows(TaskAction::AddSigners);
            let alone_ok = last || cfg.opinion.inform_only || cfg.opinion.relay;
            if cfg.opinion.stance_required && !cfg.opinion.relay {
                return Err(Refusal::StanceRequired);
            }
            if !alone_ok {
                return Err(Refusal::ReadNeedsReason);
            }
        }
    }
    let countersign = matches!(cfg.mode, Mode::All | Mode::Ratio { .. } | Mode::Sequential);
    let both_stances = st.stances.0 && st.stances.1;
    if countersign && both_stances && !is_specific(written) {
        return Err(Refusal::OpinionMustBeSpecific);
    }
    Ok(())
}

/// Whether an opinion says something beyond a bare stance.
fn is_specific(text: &str) -> bool {
    let stripped: String = text
        .chars()
        .filter(|c| !c.is_ascii_punctuation() && !"。，！、".contains(*c))
        .collect();
    let stripped = stripped.trim().to_lowercase();
    stripped.chars().count() >= 4 && !BARE_WORDS.contains(&stripped.as_str())
}
