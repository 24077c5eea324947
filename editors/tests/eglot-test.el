;;; eglot-test.el --- Headless test of Dex with Emacs and eglot  -*- lexical-binding: t -*-

;; Usage: emacs --batch -l eglot-test.el
;; Uses Debian's emacs-nox 28 with elpa-eglot 1.9. Do not pass -Q: Debian's site-start puts the
;; elpa packages on the load-path.
;;
;; Environment: DEX (the dex executable), VAULT (a temporary copy of examples/vault).
;; The server configuration is the one editors/README.md documents for eglot.
;; Prints one `ok` or `FAIL` line per check, then `N passed, N failed`; exits non-zero on failure.

(require 'eglot)
(require 'cl-lib)

(defvar dex-test-passed 0)
(defvar dex-test-failed 0)

(defun dex-test-say (format-string &rest args)
  (princ (concat (apply #'format format-string args) "\n")))

(defun dex-test-check (name result detail)
  "Record check NAME as passed when RESULT is non-nil, printing DETAIL."
  (if result
      (progn (setq dex-test-passed (1+ dex-test-passed))
             (dex-test-say "ok   %s: %s" name detail))
    (setq dex-test-failed (1+ dex-test-failed))
    (dex-test-say "FAIL %s: %s" name detail)))

(defun dex-test-finish ()
  (dex-test-say "Emacs %s, eglot: %d passed, %d failed"
                emacs-version dex-test-passed dex-test-failed)
  (kill-emacs (if (and (> dex-test-passed 0) (= dex-test-failed 0)) 0 1)))

(let* ((dex (or (getenv "DEX") (error "DEX is required")))
       (vault (file-name-as-directory (or (getenv "VAULT") (error "VAULT is required"))))
       (note (expand-file-name "Inbox/Meetings/2026-03-02 - Escalation: Tidewater Bank.md" vault))
       (stakeholders
        (mapcar #'file-name-base
                (directory-files-recursively
                 (expand-file-name "Active/Relationships" vault) "\\.md\\'")))
       (eglot-server-programs `(((markdown-mode text-mode) . (,dex "lsp"))))
       server)
  ;; Settings reach the server through workspace/configuration, from a .dir-locals.el at the
  ;; vault root, as editors/README.md shows.
  (with-temp-file (expand-file-name ".dir-locals.el" vault)
    (prin1 '((nil . ((eglot-workspace-configuration . (:dex (:today "2026-03-15"))))))
           (current-buffer)))
  (with-current-buffer (find-file-noselect note)
    ;; markdown-mode is not in Debian's emacs-nox; text-mode stands in for it.
    (text-mode)
    (condition-case err
        (setq server (eglot '(text-mode) (cons 'transient vault) 'eglot-lsp-server
                            (cdr (car eglot-server-programs)) "markdown"))
      (error (dex-test-check "server starts" nil (error-message-string err))
             (dex-test-finish)))
    (dex-test-check "server starts" server
                    (format "%S" (plist-get (eglot--server-info server) :name)))

    ;; The overdue warning on line 23 starts at the 📅, column 55 counted in characters.
    (flymake-start)
    (let ((deadline (+ (float-time) 15)) overdue)
      (while (and (not overdue) (< (float-time) deadline))
        (accept-process-output nil 0.1)
        (flymake-start)
        (setq overdue
              (cl-find-if (lambda (d)
                            (string-match-p "5 days overdue" (flymake-diagnostic-text d)))
                          (flymake-diagnostics))))
      (if (not overdue)
          (dex-test-check "overdue warning" nil
                          (format "none among %S" (mapcar #'flymake-diagnostic-text
                                                          (flymake-diagnostics))))
        (let* ((start (flymake-diagnostic-beg overdue))
               (line (line-number-at-pos start))
               (column (save-excursion (goto-char start) (current-column))))
          (dex-test-check "overdue warning"
                          (and (= line 23) (= column 54)
                               (eq (flymake-diagnostic-type overdue) 'eglot-warning)
                               (eq (char-after start) ?📅))
                          (format "%d:%d %s (%s)" line column
                                  (flymake-diagnostic-text overdue)
                                  (flymake-diagnostic-type overdue))))))

    ;; Completion after [[ on a new last line.
    (goto-char (point-max))
    (insert "\nNext step with [[")
    (eglot--signal-textDocument/didChange)
    ;; While the vault is still being indexed the server marks its list incomplete, and an
    ;; editor asks again as the user types; the test asks again, for up to 15 seconds, while
    ;; the list is incomplete or empty.
    (let ((deadline (+ (float-time) 15)) labels stakeholder incomplete)
      (while (progn
               (let* ((response (jsonrpc-request server :textDocument/completion
                                                 (eglot--TextDocumentPositionParams)))
                      (items (if (vectorp response) response (plist-get response :items))))
                 (setq incomplete (and (not (vectorp response))
                                       (eq (plist-get response :isIncomplete) t))
                       labels (mapcar (lambda (item) (plist-get item :label)) items)
                       stakeholder (cl-find-if (lambda (label) (member label stakeholders))
                                               labels)))
               (and (not stakeholder) (or incomplete (null labels))
                    (< (float-time) deadline)))
        (accept-process-output nil 0.2))
      (dex-test-check "completion after [[ offers a stakeholder" stakeholder
                      (format "%s among %d items%s" stakeholder (length labels)
                              (if incomplete " (incomplete)" ""))))
    (set-buffer-modified-p nil)
    (eglot-shutdown server)
    (dex-test-finish)))
;;; eglot-test.el ends here
