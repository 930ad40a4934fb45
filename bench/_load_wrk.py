"""The wrk script of bench/load.py (Lua, run by wrk in each of its threads).

It reads the logged-in users from the Lua file named by WW_LOAD_DATA::

    users = { {cookie = "sessionid=…; csrftoken=…", csrf = "…", cases = {"uuid", …},
               terms = {"url-encoded name", …}}, … }
    today = "24.11.2026"

and sends the mix of issue 9, each request as a randomly chosen user:
- 60 % GET /faelle/<uuid>/ (a case page of one of the user's own open cases),
- 20 % GET /faelle/ (the user's case list, first page of 50),
- 10 % POST /faelle/ with HX-Request (the name search as the list's search form sends it),
- 10 % POST /faelle/<uuid>/gespraeche/neu/ (a counselling session through the form, with the
  CSRF token; answered by a redirect to the case page).
Every answer is classified by what it is (status, Location, a marker in the page), so that a
login page or a redirect to the second-factor set-up is counted as wrong, not as a success:
``case`` (200, the case page with its "record session" link), ``list`` (200, the full list page
with its search form), ``search`` (200, the table alone; ``search_empty`` without a row),
``written`` (302 to a case page), ``login`` (302 to /konto/…), ``other`` (anything else below
400) and ``failed`` (400 and above; wrk counts those as status errors, too). ``done`` prints one
line ``WW_RESULT {json}`` with wrk's summary, percentiles and the counts.
"""

LUA = r"""
dofile(os.getenv("WW_LOAD_DATA"))
local seed = tonumber(os.getenv("WW_LOAD_SEED") or "1")
local P_CASE, P_LIST, P_SEARCH = 0.6, 0.8, 0.9

local threads = {}
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  counts = {case = 0, list = 0, search = 0, search_empty = 0, written = 0, login = 0,
            other = 0, failed = 0}
  math.randomseed(seed * 1000 + id)
end

local FORM = "application/x-www-form-urlencoded"

function request()
  local u = users[math.random(#users)]
  local r = math.random()
  if r < P_CASE then
    local case = u.cases[math.random(#u.cases)]
    return wrk.format("GET", "/faelle/" .. case .. "/", {["Cookie"] = u.cookie})
  elseif r < P_LIST then
    return wrk.format("GET", "/faelle/", {["Cookie"] = u.cookie})
  elseif r < P_SEARCH then
    local body = "csrfmiddlewaretoken=" .. u.csrf .. "&status=open&q="
      .. u.terms[math.random(#u.terms)]
    return wrk.format("POST", "/faelle/",
      {["Cookie"] = u.cookie, ["Content-Type"] = FORM, ["HX-Request"] = "true",
       ["HX-Target"] = "case-table"}, body)
  else
    local case = u.cases[math.random(#u.cases)]
    local body = "csrfmiddlewaretoken=" .. u.csrf .. "&held_on=" .. today
      .. "&duration_minutes=45&channel=in_person&fields_of_action=language"
      .. "&summary=Lasttest"
    return wrk.format("POST", "/faelle/" .. case .. "/gespraeche/neu/",
      {["Cookie"] = u.cookie, ["Content-Type"] = FORM}, body)
  end
end

local function has(body, marker)
  return string.find(body, marker, 1, true) ~= nil
end

function response(status, headers, body)
  if status == 200 then
    if has(body, "/gespraeche/neu/") then
      counts.case = counts.case + 1
    elseif has(body, 'id="case-search"') then
      counts.list = counts.list + 1
    elseif not has(body, "<html") and has(body, "kern-table") then
      if has(body, 'href="/faelle/') then
        counts.search = counts.search + 1
      else
        counts.search_empty = counts.search_empty + 1
      end
    else
      counts.other = counts.other + 1
    end
  elseif status == 302 then
    local location = headers["Location"] or headers["location"] or ""
    if has(location, "/konto/") then
      counts.login = counts.login + 1
    elseif has(location, "/faelle/") then
      counts.written = counts.written + 1
    else
      counts.other = counts.other + 1
    end
  elseif status >= 400 then
    counts.failed = counts.failed + 1
  else
    counts.other = counts.other + 1
  end
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for k, v in pairs(c) do
      total[k] = (total[k] or 0) + v
    end
  end
  local parts = {}
  for k, v in pairs(total) do
    table.insert(parts, string.format('"%s": %d', k, v))
  end
  local e = summary.errors
  io.write(string.format(
    'WW_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, '
    .. '"write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "counts": {%s}}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, table.concat(parts, ", ")))
end
"""
