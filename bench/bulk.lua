-- wrk script: POST a bulk create of ITEMS loans per request, each a (member, book) pair no
-- request used before, so that every request is valid and inserts ITEMS rows.
-- Usage: wrk -t1 -s bulk.lua URL -- FIRST_K MEMBERS BOOKS ITEMS
-- The k-th pair is seeds.loan_pair(k): member k % MEMBERS + 1, book (k // MEMBERS + k % MEMBERS) % BOOKS + 1.

local k, members, books, items

function init(args)
  k = tonumber(args[1])
  members = tonumber(args[2])
  books = tonumber(args[3])
  items = tonumber(args[4])
end

function request()
  local parts = {}
  for i = 1, items do
    local member = k % members
    local book = (math.floor(k / members) + member) % books
    parts[i] = string.format('{"member_id":%d,"book_id":%d,"due_on":"2026-03-%02d"}', member + 1, book + 1, k % 28 + 1)
    k = k + 1
  end
  local body = "[" .. table.concat(parts, ",") .. "]"
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end
