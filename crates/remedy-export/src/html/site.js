// remedy's site script: small, no framework, no build step. The pages work without it; it adds
// search on the front page, moves the focus to a method a link jumps to, remembers step
// check-boxes in this browser, and answers "did this fix it?".
(function () {
  "use strict";

  var doc = document;

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  // The focus follows the jump, so that a keyboard or screen-reader user is where the eye is.
  function jumpTo(id, push) {
    var target = doc.getElementById(id);
    if (!target) {
      return false;
    }
    var heading = target.matches("section") ? target.querySelector("h3, h2") : null;
    var focus = heading || target;
    if (!focus.hasAttribute("tabindex")) {
      focus.setAttribute("tabindex", "-1");
    }
    if (push && window.history && history.pushState) {
      history.pushState(null, "", "#" + id);
    }
    doc.querySelectorAll(".method.highlight").forEach(function (el) {
      el.classList.remove("highlight");
    });
    if (target.classList.contains("method")) {
      target.classList.add("highlight");
    }
    target.scrollIntoView({ block: "start" });
    focus.focus({ preventScroll: true });
    return true;
  }

  function setUpGuide(article) {
    var store = storage();
    var key = "remedy:" + article.getAttribute("data-guide") + ":done";
    var done = {};
    try {
      done = JSON.parse((store && store.getItem(key)) || "{}") || {};
    } catch (e) {
      done = {};
    }
    article.querySelectorAll("input.done").forEach(function (box) {
      box.checked = done[box.id] === true;
      box.addEventListener("change", function () {
        if (box.checked) {
          done[box.id] = true;
        } else {
          delete done[box.id];
        }
        try {
          if (store) {
            store.setItem(key, JSON.stringify(done));
          }
        } catch (e) {
          // Storage full or refused: the box still works for this visit.
        }
      });
    });

    article.querySelectorAll(".fix-prompt").forEach(function (prompt) {
      var answers = prompt.querySelector(".fix-answers");
      var result = prompt.querySelector(".fix-result");
      var statik = prompt.querySelector(".fix-static");
      if (!answers || !result) {
        return;
      }
      answers.hidden = false;
      if (statik) {
        statik.hidden = true;
      }
      var next = prompt.getAttribute("data-next");
      answers.addEventListener("click", function (event) {
        var button = event.target.closest("button[data-answer]");
        if (!button) {
          return;
        }
        if (button.getAttribute("data-answer") === "yes") {
          prompt.classList.add("fixed");
          result.textContent = "Good: the problem is fixed, and you are done.";
        } else if (next) {
          prompt.classList.remove("fixed");
          result.textContent = "";
          jumpTo(next, true);
        } else {
          prompt.classList.remove("fixed");
          result.textContent = statik ? statik.textContent.replace(/^If it did, you are done\. /, "") : "";
        }
      });
    });

    // A link to a method on this page ("where to start", the table, the contents): the
    // browser jumps; the focus goes with it.
    article.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey) {
        return;
      }
      var id = decodeURIComponent(link.getAttribute("href").slice(1));
      if (id && jumpTo(id, true)) {
        event.preventDefault();
      }
    });
  }

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function setUpSearch(form, index) {
    var input = form.querySelector("input[type=search]");
    var status = doc.getElementById("search_status");
    var results = doc.getElementById("search_results");
    if (!input || !status || !results) {
      return;
    }
    var guides = (index.guides || []).map(function (guide) {
      return {
        guide: guide,
        title: fold(guide.title),
        summary: fold(guide.summary + " " + guide.about),
        sections: guide.sections.map(function (section) {
          return { section: section, text: fold(section.title + " " + section.text) };
        })
      };
    });
    form.hidden = false;

    function run() {
      // Split as the index was: at anything but a letter or digit ("Wi-Fi" is "wi" and "fi").
      var words = fold(input.value).split(/[^\p{L}\p{N}]+/u).filter(Boolean);
      results.textContent = "";
      if (!words.length) {
        status.textContent = "";
        return;
      }
      var found = [];
      guides.forEach(function (entry) {
        var score = 0;
        var matched = [];
        var everyWord = words.every(function (word) {
          var hit = false;
          if (entry.title.indexOf(word) >= 0) {
            score += 10;
            hit = true;
          }
          if (entry.summary.indexOf(word) >= 0) {
            score += 3;
            hit = true;
          }
          entry.sections.forEach(function (section) {
            if (section.text.indexOf(word) >= 0) {
              score += 1;
              hit = true;
              if (matched.indexOf(section.section) < 0) {
                matched.push(section.section);
              }
            }
          });
          return hit;
        });
        if (everyWord) {
          found.push({ entry: entry, score: score, matched: matched });
        }
      });
      found.sort(function (a, b) {
        return b.score - a.score;
      });
      found.forEach(function (hit) {
        var guide = hit.entry.guide;
        var item = doc.createElement("li");
        var link = doc.createElement("a");
        link.href = guide.url;
        link.textContent = guide.title;
        item.appendChild(link);
        var summary = doc.createElement("p");
        summary.textContent = guide.summary;
        item.appendChild(summary);
        if (hit.matched.length) {
          var methods = doc.createElement("ul");
          hit.matched.slice(0, 3).forEach(function (section) {
            var li = doc.createElement("li");
            var a = doc.createElement("a");
            a.href = guide.url + "#" + section.anchor;
            a.textContent = section.title;
            li.appendChild(a);
            methods.appendChild(li);
          });
          item.appendChild(methods);
        }
        results.appendChild(item);
      });
      status.textContent = found.length === 0
        ? "No guide matches \u201c" + input.value.trim() + "\u201d."
        : found.length === 1 ? "1 guide found." : found.length + " guides found.";
    }

    input.addEventListener("input", run);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run();
    });
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      input.value = query;
      run();
    }
  }

  var article = doc.querySelector("article.guide");
  if (article) {
    setUpGuide(article);
    if (window.location.hash.length > 1) {
      var id = decodeURIComponent(window.location.hash.slice(1));
      var target = doc.getElementById(id);
      if (target && target.classList.contains("method")) {
        target.classList.add("highlight");
      }
    }
  }
  var form = doc.querySelector("form.search");
  if (form && self.remedySearchIndex) {
    setUpSearch(form, self.remedySearchIndex);
  }
})();
