@finqware @sessions
Feature: Start an onboarding session
  Finqware API Reference, "Detailed flow": an onboarding session is triggered by a POST to
  /sessions with three elements: client_id identifies the tenant application, client_app_key
  authorises the call, and skill is taken from the skills catalog (each tenant registers the list
  of skills it connects to; test & dev tenants use sandbox skills). A successful call answers with a
  session_id, a nonce for step #1 and a status. The document gives no status codes: where the
  catalog names none, a refusal is any 4xx unless the target pins its code.

  @FQ-SES-01
  Scenario: FQ-SES-01 A session is created for a sandbox skill
    Given the tenant app with its client_id and client_app_key
    When the tenant app starts a session for the single-step sandbox skill
    Then Finqware creates the session
    And the JSON body has a non-empty "/session_id"
    And the JSON body has a non-empty "/nonce"
    And the JSON value at "/status" is "SESSION_CREATED"

  @FQ-SES-02
  Scenario: FQ-SES-02 A client_app_key that does not authorise the call is refused and creates no session
    Given the tenant app with its client_id and a client_app_key it was never given
    When the tenant app starts a session for the single-step sandbox skill
    Then Finqware refuses the session as unauthorised
    And Finqware creates no session

  @FQ-SES-02
  Scenario: FQ-SES-02 A client_id that identifies no tenant application is refused and creates no session
    Given a client_id Finqware never registered, with the tenant app's client_app_key
    When the tenant app starts a session for the single-step sandbox skill
    Then Finqware refuses the session as unauthorised
    And Finqware creates no session

  @FQ-SES-03
  Scenario: FQ-SES-03 A skill that is not in the skills catalog is refused
    Given the tenant app with its client_id and client_app_key
    When the tenant app starts a session for a skill that is not in the catalog
    Then Finqware refuses the session for a skill that is not in the catalog
    And Finqware creates no session

  @FQ-SES-03
  Scenario: FQ-SES-03 A catalog skill the tenant app has not registered is refused
    Given the tenant app with its client_id and client_app_key
    When the tenant app starts a session for a catalog skill it has not registered
    Then Finqware refuses the session for a skill the tenant app has not registered
    And Finqware creates no session
