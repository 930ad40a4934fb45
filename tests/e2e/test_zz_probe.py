import pytest
pytestmark = pytest.mark.e2e

def test_probe(page, transactional_db):
    page.goto("/konto/login/")
    print(page.evaluate("""() => {
      const m = document.querySelector('main'); const out = [getComputedStyle(m).paddingTop, m.className];
      for (const sh of document.styleSheets) { try { for (const r of sh.cssRules) { const t = r.cssText; if (t.includes('ww-main') || /(^|[ ,])main[ ,{]/.test(t.split('{')[0])) out.push(sh.href.split('/').pop() + ': ' + t.slice(0,200)); } } catch(e) { out.push('ERR ' + sh.href); } }
      return out;
    }"""))
