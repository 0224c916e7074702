"use strict";
candid.el("login").addEventListener("submit", async ev => {
  ev.preventDefault();
  try { await candid.api("POST", "/api/login", { token: candid.el("token").value }); location.href = "/make"; }
  catch (err) { candid.showError(candid.el("login-msg"), err); }
});
