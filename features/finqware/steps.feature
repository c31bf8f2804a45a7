@finqware @steps
Feature: Walk a session step by step, each step with the previous answer's nonce
  Finqware API Reference, "Detailed flow": a session is an ordered sequence of steps that share the
  same state. At each iteration the tenant app posts to /sessions/{session_id}/steps the step and the
  nonce retrieved from the previous answer; in a multi-step session each answer carries a step_id
  and the nonce for the next step. The nonce is a temporary token that expires in 30 minutes
  (31/30 of it is 31 minutes; a target whose test bank is configured shorter says so in
  settings.nonce_lifetime_seconds).
  The document has no endpoint to read a session back: after a refusal, the session's next step
  still being accepted with the right nonce is what shows that the session did not change.

  @FQ-STEP-01
  Scenario: FQ-STEP-01 A one-step account information session is completed with the session's nonce
    Given the tenant app has started a session for the single-step sandbox skill
    When the tenant app submits the next step with the nonce of the previous answer
    Then Finqware accepts the step with a step_id

  @FQ-STEP-01
  Scenario: FQ-STEP-01 A multi-step product session walks to its end, each step with the nonce of the previous answer
    Given the tenant app has started a session for the multi-step sandbox skill
    When the tenant app walks the session through every step of its skill, uploading where a step asks for it
    Then Finqware accepted every step of the skill, each with a step_id and, until the last, a new nonce for the next one

  @FQ-STEP-02
  Scenario: FQ-STEP-02 A nonce that was already used is refused and the session does not change
    Given the tenant app has started a session for the multi-step sandbox skill
    And the tenant app has submitted the next step with the nonce of the previous answer
    When the tenant app submits the next step with the nonce it already used
    Then Finqware refuses the step for a nonce already used
    When the tenant app submits the next step with the nonce of the previous answer
    Then Finqware accepts the step with a step_id and a new nonce for the next one

  @FQ-STEP-02
  Scenario: FQ-STEP-02 Another session's nonce is refused and neither session changes
    Given the tenant app has started a session for the multi-step sandbox skill
    And the tenant app has started another session for the multi-step sandbox skill
    When the tenant app submits the next step with the other session's nonce
    Then Finqware refuses the step for another session's nonce
    When the tenant app submits the other session's next step with the nonce of its previous answer
    Then Finqware accepts the step with a step_id and a new nonce for the next one
    When the tenant app submits the next step with the nonce of the previous answer
    Then Finqware accepts the step with a step_id and a new nonce for the next one

  @FQ-STEP-03 @capability:sandbox.clock @serial
  Scenario: FQ-STEP-03 A nonce older than 30 minutes is refused
    Given the tenant app has started a session for the multi-step sandbox skill
    When 31/30 of the nonce's lifetime pass at the bank
    And the tenant app submits the next step with the nonce of the previous answer
    Then Finqware refuses the step for an expired nonce

  @FQ-STEP-03 @capability:sandbox.clock @serial
  Scenario: FQ-STEP-03 A nonce is still good 29 minutes after it was issued
    Given the tenant app has started a session for the multi-step sandbox skill
    When 29/30 of the nonce's lifetime pass at the bank
    And the tenant app submits the next step with the nonce of the previous answer
    Then Finqware accepts the step with a step_id and a new nonce for the next one
