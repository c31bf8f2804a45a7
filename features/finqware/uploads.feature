@finqware @uploads
Feature: Upload attachments to a step
  Finqware API Reference, "Detailed flow": at each step a skill might require specific uploads (the
  KYC flow of a credit card product asks for personal data, an ID upload and photos). The tenant app
  submits them to /steps/{step_id}/upload, with the step_id its step submission returned; a session
  is a conversation where each message may include attachments. The document does not say which
  answer carries the nonce after a step that asks for an upload: the step's own, or the upload's.
  Both readings are accepted, and the session's evidence says which one the bank follows.

  @FQ-UPL-01
  Scenario: FQ-UPL-01 An upload to the step that asks for one is accepted and the session goes on to its next step
    Given the tenant app has started a session for the multi-step sandbox skill
    And the tenant app has walked the session up to the step that asks for an upload
    When the tenant app submits the next step with the nonce of the previous answer
    Then Finqware accepts the step with a step_id
    When the tenant app uploads a file to the step it just submitted
    Then Finqware accepts the upload
    And the tenant app holds a new nonce for the next step, from the step's answer or from its upload's answer
    When the tenant app submits the next step with the nonce of the previous answer
    Then Finqware accepts the step with a step_id

  @FQ-UPL-01
  Scenario: FQ-UPL-01 A step that asks for an upload holds the session until the upload is sent
    Given the tenant app has started a session for the multi-step sandbox skill
    And the tenant app has walked the session up to the step that asks for an upload
    When the tenant app submits the next step with the nonce of the previous answer
    Then Finqware accepts the step with a step_id
    When the tenant app submits the next step without the upload its previous step asks for
    Then Finqware refuses the step: the previous step waits for its upload
    When the tenant app uploads a file to the step it just submitted
    Then Finqware accepts the upload
    When the tenant app submits the next step with the nonce of the previous answer
    Then Finqware accepts the step with a step_id

  @FQ-UPL-02
  Scenario: FQ-UPL-02 An upload to a step_id that does not exist is answered 404
    Given the tenant app has started a session for the multi-step sandbox skill
    When the tenant app uploads a file to a step_id that does not exist
    Then the response status is 404
