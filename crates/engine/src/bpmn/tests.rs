use super::*;

const SPIFF: &str = include_str!("../../../../../shared/bench/peers/oa-approval.spiff.bpmn");

#[test]
fn loads_the_shared_workload() {
    let def = load(SPIFF).unwrap();
    assert_eq!(def.graph().key, "oa_approval");
    assert_eq!(def.graph().nodes.len(), 7);
}
