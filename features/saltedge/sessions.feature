@saltedge @sessions
Feature: Sessions Show, Confirm and Destroy
  Salt Edge PSD2 Compliance API v2, /api/v2/sessions/:secret. Show verifies the current state of a
  newly created session; Confirm processes the additional interactive steps (the credentials the
  session asks for: the provider's sandbox credentials here); Destroy cancels the session. A closed
  session cannot be modified; an expired one cannot be processed anymore.

  @SE-SESSION-SHOW-01
  Scenario: SE-SESSION-SHOW-01 A session just created shows its secret, status, provider and creation time
    Given a session just created through remote
    When the TPP sends GET /sessions/{session}
    Then the response status is 200
    And the session shown is the one created
    And the JSON body has a non-empty "/data/status"
    And the JSON body has a non-empty "/data/provider_code"
    And the JSON body has a non-empty "/data/created_at"

  @SE-SESSION-SHOW-02
  Scenario: SE-SESSION-SHOW-02 A secret that does not exist raises SessionNotFound
    When the TPP sends GET /sessions/obconf-no-such-session
    Then the request is refused with HTTP 404 SessionNotFound

  @SE-SESSION-CONFIRM-01
  Scenario: SE-SESSION-CONFIRM-01 Confirm with the sandbox credentials moves the session on until it ends with a token
    Given a session just created through remote
    When the TPP confirms the session with the sandbox credentials it asks for
    Then the response status is 200
    And the session has moved on from its previous status
    When the TPP keeps confirming the session with the sandbox credentials until it asks for nothing more
    Then the response status is 200
    And the session has ended with a token

  @SE-SESSION-CONFIRM-02
  Scenario: SE-SESSION-CONFIRM-02 A session already closed cannot be confirmed: SessionClosed
    Given an Access-Token obtained through remote and confirm
    When the TPP confirms the session with the sandbox credentials it asks for
    Then the request is refused with HTTP 400 SessionClosed

  @SE-SESSION-CONFIRM-03 @capability:sandbox.clock @serial
  Scenario: SE-SESSION-CONFIRM-03 An expired session cannot be processed anymore: SessionExpired
    Given a session just created through remote
    And 1 day passes at the bank
    When the TPP confirms the session with the sandbox credentials it asks for
    Then the request is refused with HTTP 401 SessionExpired

  @SE-SESSION-CONFIRM-03
  Scenario: SE-SESSION-CONFIRM-03 A session opened longer ago than a session lives cannot be processed: SessionExpired
    Given the session the target gives as already expired
    When the TPP confirms that session with the sandbox credentials
    Then the request is refused with HTTP 401 SessionExpired

  @SE-SESSION-CONFIRM-04
  Scenario: SE-SESSION-CONFIRM-04 Credentials the session's state does not allow raise ActionNotAllowed
    Given a session just created through remote
    When the TPP confirms the session with a credential field it does not ask for
    Then the request is refused with HTTP 406 ActionNotAllowed

  @SE-SESSION-DESTROY-01
  Scenario: SE-SESSION-DESTROY-01 Destroy cancels the session, which is closed from then on
    Given a session just created through remote
    When the TPP sends DELETE /sessions/{session}
    Then the response status is 200
    And the answer names the session in data.session_secret
    When the TPP confirms the session with the sandbox credentials it asks for
    Then the request is refused with HTTP 400 SessionClosed
