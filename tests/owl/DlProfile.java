// The OWL API's own OWL 2 DL profile checker over one ontology document, for tests/test_owl.py.
// Run with the OWL API on the class path (the HermiT.jar owlready2 ships bundles it):
//   java -cp HermiT.jar tests/owl/DlProfile.java ontology.ttl
// Prints one line per violation, then "IN PROFILE" or "NOT IN PROFILE".
import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileReport;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;

public class DlProfile {
    public static void main(String[] args) throws Exception {
        OWLOntology ontology = OWLManager.createOWLOntologyManager()
            .loadOntologyFromOntologyDocument(new File(args[0]));
        OWLProfileReport report = new OWL2DLProfile().checkOntology(ontology);
        for (OWLProfileViolation violation : report.getViolations()) {
            System.out.println(violation);
        }
        System.out.println(report.isInProfile() ? "IN PROFILE" : "NOT IN PROFILE");
    }
}
