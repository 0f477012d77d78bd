// The "did you mean …?" hint of the sign-up form.
//
// While the user types (after a short pause) and when the field is left,
// the script asks GET /check and, when the server has a suggestion, shows
// it with a button that puts it into the field. Every text from the server
// goes into the page with textContent, never as HTML.
//
// The form's data-state attribute says where the page is, so that tests can
// wait for it instead of sleeping: "checked" means that the answer for the
// field's current value is on screen.
'use strict';

(() => {
  const form = document.getElementById('signup');
  const email = document.getElementById('email');
  const suggestion = document.getElementById('suggestion');
  const suggested = document.getElementById('suggested');
  const fix = document.getElementById('fix');
  const note = document.getElementById('note');
  const status = document.getElementById('status');
  const submit = document.getElementById('submit');

  const pause = 300; // ms of quiet typing before a check

  let timer = 0;
  let seq = 0; // number of the latest request; the answers to older ones are dropped
  let inflight = null; // AbortController of the running check
  let asking = null; // the value it asks about
  let checked = null; // the value whose answer is on screen
  let last = null; // that answer
  let left = false; // the field was left since the last edit: invalid input may get a note

  const setState = (s) => { form.dataset.state = s; };

  // cancel stops the pending and the running check and returns a new
  // request number.
  const cancel = () => {
    clearTimeout(timer);
    if (inflight) {
      inflight.abort();
      inflight = null;
    }
    return ++seq;
  };

  // render shows the hint for answer a (or none). It only touches the
  // live region when its text changes, so that nothing is read out twice.
  const render = (a) => {
    const s = (a && a.suggestion) || '';
    const n = a && !s && !a.valid && left
      ? 'This does not look like a complete e-mail address yet.'
      : '';
    if (suggested.textContent !== s) suggested.textContent = s;
    suggestion.hidden = s === '';
    if (note.textContent !== n) note.textContent = n;
    note.hidden = n === '';
  };

  const check = async () => {
    const value = email.value;
    if (inflight && value === asking) {
      clearTimeout(timer);
      return; // the answer is on its way
    }
    const my = cancel();
    if (value === checked) {
      render(last);
      setState('checked');
      return;
    }
    if (value.trim() === '') {
      checked = value;
      last = null;
      render(null);
      setState('checked');
      return;
    }
    setState('checking');
    const ctl = new AbortController();
    inflight = ctl;
    asking = value;
    const url = new URL('/check', location.href);
    url.searchParams.set('email', value);
    try {
      const resp = await fetch(url, { headers: { Accept: 'application/json' }, signal: ctl.signal });
      if (!resp.ok) throw new Error(`GET /check: ${resp.status}`);
      const a = await resp.json();
      if (my !== seq) return; // the value changed meanwhile
      inflight = null;
      checked = value;
      last = a;
      render(a);
      setState('checked');
    } catch (err) {
      if (my !== seq) return; // aborted on purpose
      inflight = null;
      // The hint is a courtesy: the server checks again on submit.
      render(null);
      setState('error');
    }
  };

  email.addEventListener('input', () => {
    cancel();
    left = false;
    render(null);
    status.textContent = '';
    setState('pending');
    timer = setTimeout(check, pause);
  });

  email.addEventListener('blur', () => {
    left = true;
    check();
  });

  fix.addEventListener('click', () => {
    if (!last || !last.suggestion) return;
    email.value = last.suggestion;
    render(null);
    email.focus();
    check();
  });

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault(); // the server answers JSON to us, HTML without this script
    cancel();
    const value = email.value;
    setState('submitting');
    delete form.dataset.result;
    status.textContent = '';
    email.readOnly = true;
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    let result = 'error';
    let a = null;
    try {
      const resp = await fetch(form.action, {
        method: 'POST',
        headers: { Accept: 'application/json' },
        body: new URLSearchParams(new FormData(form)),
      });
      if ((resp.headers.get('Content-Type') || '').startsWith('application/json')) a = await resp.json();
      if (a && a.status) result = a.status;
    } catch (err) {
      // network error: result stays "error"
    }
    email.readOnly = false;
    submit.disabled = false;
    form.removeAttribute('aria-busy');
    switch (result) {
      case 'welcome':
        render(null);
        status.textContent = `Welcome! We will write to ${a.email}.`;
        break;
      case 'blocked':
      case 'invalid':
        left = true;
        checked = value;
        last = a;
        render(a);
        status.textContent = a.suggestion
          ? 'Please check your e-mail address: we did not sign you up.'
          : 'Please enter a valid e-mail address.';
        break;
      default:
        status.textContent = 'Something went wrong. Please try again.';
    }
    form.dataset.result = result;
    setState('submitted');
  });

  setState('ready');
})();
